/* venus-wsi-bench --wayland (venus_wsi_bench_wayland.c). */
#pragma once

#include <stdint.h>
#include <vulkan/vulkan.h>

int bench_wayland_main(const char *self, uint32_t frames, uint32_t repeat);
int bench_wayland_child(const char *result_path, uint32_t frames, VkPresentModeKHR mode,
                        uint32_t damage_percent);
