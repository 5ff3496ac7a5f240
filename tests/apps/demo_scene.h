/* venus-wsi-demo's animated scene (a sweeping clock hand over moving colour bands), apart
 * from the demo so that venus-wsi-refloop draws exactly the same frames and its checker can
 * paint them on the CPU. */
#pragma once

#include "scene_draw.h"

uint32_t demo_scene(uint64_t frame, VkExtent2D extent, uint8_t bg[3],
                    struct scene_rect rects[FRAME_LOOP_MAX_RECTS]);
