/* venus-wsi-bench --x11 (venus_wsi_bench_x11.c). */
#pragma once

#include <stdint.h>
#include <vulkan/vulkan.h>

int bench_x11_main(const char *self, uint32_t frames, uint32_t repeat);
int bench_x11_child(const char *result_path, uint32_t frames, VkPresentModeKHR mode);
