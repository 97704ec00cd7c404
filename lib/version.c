#include "ncm/version.h"

unsigned ncm_version(void) { return NCM_VERSION_NUMBER; }

const char *ncm_version_string(void) { return NCM_VERSION_STRING; }
