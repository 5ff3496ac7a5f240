#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "venus_wsi/config.h"

bool
vw_log_enabled(enum vw_log_level level)
{
   return vw_config_get()->debug >= (int)level;
}

void
vw_log(enum vw_log_level level, const char *fmt, ...)
{
   if (!vw_log_enabled(level))
      return;
   /* Build the whole line first so lines from several threads never interleave. */
   char line[512];
   va_list ap;
   va_start(ap, fmt);
   int n = vsnprintf(line, sizeof(line), fmt, ap);
   va_end(ap);
   if (n < 0)
      return;
   fprintf(stderr, "venus-wsi: %s\n", line);
}
