/* Whether the layer will implement WSI for an instance, known before the instance exists.
 *
 * In 'auto' the answer depends on the physical devices (does one lack VK_KHR_swapchain?),
 * which only an instance can show. The loader asks the layer for its instance extensions
 * before any instance exists, and must be told the truth there: so the first such question
 * creates one short-lived probe instance through the loader, during which the layer's own
 * vkCreateInstance only reports what it would decide. The answer is kept for the process. */
#pragma once

#include <stdbool.h>

enum vw_takeover {
   VW_TAKEOVER_UNKNOWN, /* no probe yet, or it failed */
   VW_TAKEOVER_YES,
   VW_TAKEOVER_NO,
};

/* The answer for the configured mode, probing once if needed. 'loader_fn' is any function
 * inside the Vulkan loader that called the layer (to find the loader to probe with).
 * Must not be called while the loader holds its instance lock (inside vkCreateInstance). */
enum vw_takeover vw_takeover_decide(const void *loader_fn);

/* The answer without probing: from the mode, or from an earlier probe. */
enum vw_takeover vw_takeover_known(void);

/* True on the thread that is creating the probe instance. */
bool vw_takeover_probing(void);
/* The layer's vkCreateInstance, during the probe, tells what it would decide. */
void vw_takeover_report(bool take_over);
