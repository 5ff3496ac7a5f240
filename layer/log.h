/* One-line diagnostics, printed only when VENUS_WSI_DEBUG asks for them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum vw_log_level {
   VW_LOG_ALWAYS = 0, /* about a setting the user gave (a file, a directory): never silent */
   VW_LOG_ERROR = 1, /* a failure returned to the app, or a fallback taken */
   VW_LOG_INFO = 2,  /* decisions made once: mode, path, formats */
   VW_LOG_DEBUG = 3, /* per-swapchain and per-frame detail */
};

bool vw_log_enabled(enum vw_log_level level);
void vw_log(enum vw_log_level level, const char *fmt, ...)
   __attribute__((format(printf, 2, 3)));

/* Repeats of one message (a per-frame failure) are counted, not printed: the first is
 * printed, then at most one line per period, carrying the count of those it stood for. */
struct vw_log_limit {
   uint64_t last_ns;
   uint32_t suppressed;
};
#define VW_LOG_LIMIT_INIT {0, 0}
void vw_log_limited(struct vw_log_limit *limit, enum vw_log_level level, const char *fmt, ...)
   __attribute__((format(printf, 3, 4)));

#define vw_err(...) vw_log(VW_LOG_ERROR, __VA_ARGS__)
#define vw_info(...) vw_log(VW_LOG_INFO, __VA_ARGS__)
#define vw_dbg(...) vw_log(VW_LOG_DEBUG, __VA_ARGS__)
