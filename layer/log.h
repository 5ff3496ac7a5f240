/* One-line diagnostics, printed only when VENUS_WSI_DEBUG asks for them. */
#pragma once

#include <stdbool.h>

enum vw_log_level {
   VW_LOG_ERROR = 1, /* a failure returned to the app, or a fallback taken */
   VW_LOG_INFO = 2,  /* decisions made once: mode, path, formats */
   VW_LOG_DEBUG = 3, /* per-swapchain and per-frame detail */
};

bool vw_log_enabled(enum vw_log_level level);
void vw_log(enum vw_log_level level, const char *fmt, ...)
   __attribute__((format(printf, 2, 3)));

#define vw_err(...) vw_log(VW_LOG_ERROR, __VA_ARGS__)
#define vw_info(...) vw_log(VW_LOG_INFO, __VA_ARGS__)
#define vw_dbg(...) vw_log(VW_LOG_DEBUG, __VA_ARGS__)
