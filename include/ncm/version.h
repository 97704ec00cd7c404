/**
 * @file version.h
 * @brief Product version of ncm and the ABI interface counter.
 *
 * The product version (MAJOR.MINOR.PATCH) follows semantic versioning of the API. The interface
 * counter #NCM_ABI_VERSION is kept apart from it: it becomes the shared library's SOVERSION and is
 * bumped only when a binary-incompatible change is made. All functions here are thread-safe.
 * @since 0.1.0
 */
#ifndef NCM_VERSION_H
#define NCM_VERSION_H

#include "ncm/export.h"

/** @brief Major version: incremented on incompatible API changes. @since 0.1.0 */
#define NCM_VERSION_MAJOR 0
/** @brief Minor version: incremented when functionality is added compatibly. @since 0.1.0 */
#define NCM_VERSION_MINOR 1
/** @brief Patch version: incremented for compatible bug fixes. @since 0.1.0 */
#define NCM_VERSION_PATCH 0
/** @brief The version as one comparable integer: MAJOR * 10000 + MINOR * 100 + PATCH. @since 0.1.0 */
#define NCM_VERSION_NUMBER (NCM_VERSION_MAJOR * 10000 + NCM_VERSION_MINOR * 100 + NCM_VERSION_PATCH)
/** @brief The version as a string literal, "MAJOR.MINOR.PATCH". @since 0.1.0 */
#define NCM_VERSION_STRING "0.1.0"
/** @brief ABI interface counter; the shared library's SOVERSION. @since 0.1.0 */
#define NCM_ABI_VERSION 0

NCM_BEGIN_DECLS

/**
 * @brief The version number of the library actually linked at run time.
 * @return #NCM_VERSION_NUMBER as it was when the library was built.
 * @since 0.1.0
 */
NCM_API unsigned ncm_version(void);

/**
 * @brief The version string of the library actually linked at run time.
 * @return A static, NUL-terminated string such as "0.1.0"; never NULL; owned by the library.
 * @since 0.1.0
 */
NCM_API const char *ncm_version_string(void);

NCM_END_DECLS

#endif /* NCM_VERSION_H */
