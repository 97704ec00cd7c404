/**
 * @file status.h
 * @brief Status codes, their descriptions, the per-thread error message, and the allocation test hook.
 *
 * Every fallible ncm function returns an #ncm_status. Zero is success; failures are negative and
 * their values are fixed forever. The status alone decides success. After a failure,
 * ncm_last_error() gives a one-line message for the calling thread that names the file, line,
 * column or field concerned and the reason.
 *
 * Thread safety: the message and the allocation hook are thread-local, so calls on different
 * threads never see each other's state.
 * @since 0.1.0
 */
#ifndef NCM_STATUS_H
#define NCM_STATUS_H

#include "ncm/export.h"

NCM_BEGIN_DECLS

/**
 * @brief Result of every fallible ncm call. 0 is success; failures are negative and fixed.
 * @since 0.1.0
 */
typedef enum ncm_status {
    NCM_OK = 0,                /**< Success. */
    NCM_ERR_INVALID = -1,      /**< An argument is invalid (NULL where not allowed, bad enum, bad size). */
    NCM_ERR_NOMEM = -2,        /**< Memory allocation failed; nothing was changed and nothing leaked. */
    NCM_ERR_IO = -3,           /**< A file could not be opened, read or written. */
    NCM_ERR_PARSE = -4,        /**< Input text is malformed (CSV, JSON, number, money string). */
    NCM_ERR_OVERFLOW = -5,     /**< An exact (money or count) result does not fit its integer type. */
    NCM_ERR_RANGE = -6,        /**< A value is outside its allowed range (age > 130, negative rate, NaN). */
    NCM_ERR_NOT_FOUND = -7,    /**< A named item (column, unit, person, code, category) does not exist. */
    NCM_ERR_VERSION = -8,      /**< An options struct or document schema version is not supported. */
    NCM_ERR_DUPLICATE = -9,    /**< An identifier that must be unique appears twice. */
    NCM_ERR_INCONSISTENT = -10,/**< Inputs contradict each other (a practice in two networks, shares not summing to 1). */
    NCM_ERR_BUFFER = -11,      /**< A caller-supplied output buffer is too small. */
    NCM_ERR_CANCELLED = -12,   /**< The caller's progress callback asked to stop. */
    NCM_ERR_INTERNAL = -13     /**< An internal invariant failed; please report it. */
} ncm_status;

/**
 * @brief A short, static description of a status code.
 * @param status Any value; unknown values give "unknown status".
 * @return A static NUL-terminated English string; never NULL; owned by the library.
 * @since 0.1.0
 */
NCM_API const char *ncm_strerror(ncm_status status);

/**
 * @brief The message of the most recent failure on the calling thread.
 *
 * The message names the file, line and column (for files) or the field (for arrays and
 * options) and the reason, for example
 * `people.csv:12:3: age: "abc" is not a whole number`. It is set by every failing call and
 * left unchanged by successful ones.
 * @return A thread-local NUL-terminated string, "" if nothing has failed on this thread. Owned by
 *         the library; valid until the next ncm call on the same thread.
 * @since 0.1.0
 */
NCM_API const char *ncm_last_error(void);

/**
 * @brief Clears the calling thread's error message so that ncm_last_error() returns "".
 * @since 0.1.0
 */
NCM_API void ncm_clear_error(void);

/**
 * @brief Test hook: make the n-th next allocation by ncm on the calling thread fail.
 *
 * Every allocation inside ncm goes through one internal hook. With @p n > 0, the n-th
 * allocation from now on this thread fails (and so do none of the others); with @p n = 0 the
 * hook is disarmed. Allocations made by worker threads that ncm starts itself are not counted.
 * This exists so that tests can walk every allocation of an entry point and check that each
 * failure gives #NCM_ERR_NOMEM, leaves the caller's objects unchanged and leaks nothing.
 * @param n 1-based index of the allocation to fail, or 0 to disarm.
 * @since 0.1.0
 */
NCM_API void ncm_alloc_fail_at(unsigned long n);

/**
 * @brief Test hook: number of allocations ncm has made on the calling thread.
 * @return A thread-local counter that only grows (wrapping at ULONG_MAX).
 * @since 0.1.0
 */
NCM_API unsigned long ncm_alloc_count(void);

NCM_END_DECLS

#endif /* NCM_STATUS_H */
