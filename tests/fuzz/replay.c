/* Replays fuzz inputs through a harness without libFuzzer, so that the regular test builds (the ASan
 * build with leak detection, the coverage build) run every harness on its minimised corpus.
 * Arguments: files, directories (every regular file in them) or packs (*.pack: records
 * "NCMFUZZ <length>\n<bytes>\n", written by tests/fuzz/README.md's recipe). A harness failure aborts,
 * so the test fails; a summary of inputs replayed is printed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    for (;;) {
        if (!b) exit(1);
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        cap *= 2;
        b = realloc(b, cap);
    }
    fclose(f);
    *len = n;
    return b;
}

static void one(const unsigned char *data, size_t len)
{
    /* a copy of exactly len bytes, so that ASan sees any read past the input */
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy) exit(1);
    if (len) memcpy(copy, data, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    replayed++;
}

static void pack(const char *path)
{
    size_t len;
    unsigned char *b = slurp(path, &len);
    size_t i = 0;
    while (i < len) {
        /* header "NCMFUZZ <length>\n" parsed by hand: scanf's "\n" would also eat the record's
         * leading whitespace */
        const char *h = (const char *)b + i;
        char *end = NULL;
        unsigned long n = 0;
        size_t used = 0;
        if (len - i > 8 && !memcmp(h, "NCMFUZZ ", 8)) {
            n = strtoul(h + 8, &end, 10);
            if (end && end < (const char *)b + len && *end == '\n') used = (size_t)(end - h) + 1;
        }
        if (!used || i + used + n + 1 > len) {
            fprintf(stderr, "%s: bad record at byte %zu\n", path, i);
            exit(1);
        }
        i += (size_t)used;
        one(b + i, n);
        i += n + 1;
    }
    free(b);
}

static void path_arg(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) { perror(path); exit(1); }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) { perror(path); exit(1); }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            path_arg(p);
        }
        closedir(d);
    } else if (strlen(path) > 5 && !strcmp(path + strlen(path) - 5, ".pack")) {
        pack(path);
    } else {
        size_t len;
        unsigned char *b = slurp(path, &len);
        one(b, len);
        free(b);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) path_arg(argv[i]);
    printf("replayed %lu inputs\n", replayed);
    return replayed ? 0 : 1;
}
