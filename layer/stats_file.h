/* VENUS_WSI_STATS_FILE: lines of figures appended for benchmarks and tests. */
#pragma once

#include <stdbool.h>

/* Appends 'line' with one write, without following a symlink at 'path' or waiting on a
 * FIFO nobody reads; any failure is reported (the user asked for this file). */
bool vw_stats_append(const char *path, const char *line);
