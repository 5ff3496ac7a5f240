#include "stats_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static struct vw_log_limit stats_errors = VW_LOG_LIMIT_INIT;

bool
vw_stats_append(const char *path, const char *line)
{
   int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                 0644);
   if (fd < 0) {
      vw_log_limited(&stats_errors, VW_LOG_ALWAYS, "VENUS_WSI_STATS_FILE=%s: cannot open: %s",
                     path, strerror(errno));
      return false;
   }
   /* One write keeps lines from several processes appending to one file whole. */
   size_t len = strlen(line);
   ssize_t n;
   do {
      n = write(fd, line, len);
   } while (n < 0 && errno == EINTR);
   int write_errno = n < 0 ? errno : (size_t)n < len ? ENOSPC : 0;
   if (close(fd) != 0 && !write_errno)
      write_errno = errno;
   if (write_errno) {
      vw_log_limited(&stats_errors, VW_LOG_ALWAYS, "VENUS_WSI_STATS_FILE=%s: cannot append: %s",
                     path, strerror(write_errno));
      return false;
   }
   return true;
}
