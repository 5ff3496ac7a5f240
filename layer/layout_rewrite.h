/* PRESENT_SRC_KHR rewriting for drivers without VK_KHR_swapchain (see layout_rewrite.c). */
#pragma once

#include <vulkan/vulkan.h>

VKAPI_ATTR void VKAPI_CALL vw_CmdPipelineBarrier(
   VkCommandBuffer cmd, VkPipelineStageFlags src, VkPipelineStageFlags dst,
   VkDependencyFlags flags, uint32_t nmem, const VkMemoryBarrier *mem, uint32_t nbuf,
   const VkBufferMemoryBarrier *buf, uint32_t nimg, const VkImageMemoryBarrier *img);
VKAPI_ATTR void VKAPI_CALL vw_CmdWaitEvents(VkCommandBuffer cmd, uint32_t nevents,
                                            const VkEvent *events, VkPipelineStageFlags src,
                                            VkPipelineStageFlags dst, uint32_t nmem,
                                            const VkMemoryBarrier *mem, uint32_t nbuf,
                                            const VkBufferMemoryBarrier *buf, uint32_t nimg,
                                            const VkImageMemoryBarrier *img);
VKAPI_ATTR void VKAPI_CALL vw_CmdPipelineBarrier2(VkCommandBuffer cmd, const VkDependencyInfo *info);
VKAPI_ATTR void VKAPI_CALL vw_CmdSetEvent2(VkCommandBuffer cmd, VkEvent event,
                                           const VkDependencyInfo *info);
VKAPI_ATTR void VKAPI_CALL vw_CmdWaitEvents2(VkCommandBuffer cmd, uint32_t n,
                                             const VkEvent *events, const VkDependencyInfo *infos);
VKAPI_ATTR VkResult VKAPI_CALL vw_CreateRenderPass(VkDevice device, const VkRenderPassCreateInfo *ci,
                                                   const VkAllocationCallbacks *alloc,
                                                   VkRenderPass *out);
VKAPI_ATTR VkResult VKAPI_CALL vw_CreateRenderPass2(VkDevice device,
                                                    const VkRenderPassCreateInfo2 *ci,
                                                    const VkAllocationCallbacks *alloc,
                                                    VkRenderPass *out);
