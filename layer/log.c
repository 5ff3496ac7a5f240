#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "venus_wsi/config.h"

#define LIMIT_PERIOD_NS (10ull * 1000000000ull)

bool
vw_log_enabled(enum vw_log_level level)
{
   return vw_config_get()->debug >= (int)level;
}

static void
print_line(const char *fmt, va_list ap, uint32_t suppressed)
{
   /* Build the whole line first so lines from several threads never interleave. */
   char line[512];
   int n = vsnprintf(line, sizeof(line), fmt, ap);
   if (n < 0)
      return;
   if (suppressed)
      fprintf(stderr, "venus-wsi: %s (and %u more like it before)\n", line, suppressed);
   else
      fprintf(stderr, "venus-wsi: %s\n", line);
}

void
vw_log(enum vw_log_level level, const char *fmt, ...)
{
   if (!vw_log_enabled(level))
      return;
   va_list ap;
   va_start(ap, fmt);
   print_line(fmt, ap, 0);
   va_end(ap);
}

static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

void
vw_log_limited(struct vw_log_limit *limit, enum vw_log_level level, const char *fmt, ...)
{
   if (!vw_log_enabled(level))
      return;
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
   pthread_mutex_lock(&limit_lock);
   bool print = !limit->last_ns || now - limit->last_ns >= LIMIT_PERIOD_NS;
   uint32_t suppressed = limit->suppressed;
   if (print) {
      limit->last_ns = now;
      limit->suppressed = 0;
   } else {
      limit->suppressed++;
   }
   pthread_mutex_unlock(&limit_lock);
   if (!print)
      return;
   va_list ap;
   va_start(ap, fmt);
   print_line(fmt, ap, suppressed);
   va_end(ap);
}
