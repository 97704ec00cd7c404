/* Fuzz the CSV tokenizer: no crash, no overread; every record's fields are NUL-terminated within
 * the buffer and the line counter never goes backwards. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ncmi_csv c;
    if (ncmi_csv_open_buffer(&c, "fuzz.csv", (const char *)data, size) != NCM_OK) return 0;
    if (ncmi_csv_read_header(&c) == NCM_OK) {
        size_t last = c.line;
        for (;;) {
            int eof = 0;
            if (ncmi_csv_next(&c, &eof) != NCM_OK || eof) break;
            if (c.line < last) abort();
            last = c.line;
            for (size_t i = 0; i < c.nfields; i++)
                if (strlen(c.fields[i].s) > c.fields[i].len) abort();
            (void)ncmi_csv_check_width(&c);
        }
    }
    ncmi_csv_close(&c);
    return 0;
}
