/**
 * @file export.h
 * @brief Symbol export and language-linkage macros shared by every ncm header.
 *
 * Nothing here is state; the header only decides how public functions are declared.
 * @since 0.1.0
 */
#ifndef NCM_EXPORT_H
#define NCM_EXPORT_H

/**
 * @def NCM_API
 * @brief Marks a function as part of the public ABI of libncm.
 *
 * The library is built with `-fvisibility=hidden`, so only functions carrying this macro are exported
 * from the shared object. Define `NCM_STATIC` when linking the static library on platforms that
 * distinguish the two.
 * @since 0.1.0
 */
#if defined(_WIN32) && !defined(NCM_STATIC)
#  ifdef NCM_BUILDING
#    define NCM_API __declspec(dllexport)
#  else
#    define NCM_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define NCM_API __attribute__((visibility("default")))
#else
#  define NCM_API
#endif

/**
 * @def NCM_BEGIN_DECLS
 * @brief Opens a C linkage block when the header is compiled as C++.
 * @since 0.1.0
 */
/**
 * @def NCM_END_DECLS
 * @brief Closes the block opened by #NCM_BEGIN_DECLS.
 * @since 0.1.0
 */
#ifdef __cplusplus
#  define NCM_BEGIN_DECLS extern "C" {
#  define NCM_END_DECLS }
#else
#  define NCM_BEGIN_DECLS
#  define NCM_END_DECLS
#endif

#endif /* NCM_EXPORT_H */
