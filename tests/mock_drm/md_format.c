/* Pixel formats known to the mock: table, legacy bpp/depth mapping, RGB8 conversion. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <string.h>

#include "md_internal.h"

static const struct md_format formats[] = {
	{ DRM_FORMAT_C8, "C8", 1, 8 },
	{ DRM_FORMAT_XRGB1555, "XRGB1555", 2, 15 },
	{ DRM_FORMAT_ARGB1555, "ARGB1555", 2, 0 },
	{ DRM_FORMAT_RGB565, "RGB565", 2, 16 },
	{ DRM_FORMAT_BGR565, "BGR565", 2, 0 },
	{ DRM_FORMAT_RGB888, "RGB888", 3, 24 },
	{ DRM_FORMAT_BGR888, "BGR888", 3, 0 },
	{ DRM_FORMAT_XRGB8888, "XRGB8888", 4, 24 },
	{ DRM_FORMAT_ARGB8888, "ARGB8888", 4, 32 },
	{ DRM_FORMAT_XBGR8888, "XBGR8888", 4, 0 },
	{ DRM_FORMAT_ABGR8888, "ABGR8888", 4, 0 },
	{ DRM_FORMAT_RGBX8888, "RGBX8888", 4, 0 },
	{ DRM_FORMAT_RGBA8888, "RGBA8888", 4, 0 },
	{ DRM_FORMAT_BGRX8888, "BGRX8888", 4, 0 },
	{ DRM_FORMAT_BGRA8888, "BGRA8888", 4, 0 },
	{ DRM_FORMAT_XRGB2101010, "XRGB2101010", 4, 30 },
	{ DRM_FORMAT_ARGB2101010, "ARGB2101010", 4, 0 },
	{ DRM_FORMAT_XBGR2101010, "XBGR2101010", 4, 0 },
	{ DRM_FORMAT_ABGR2101010, "ABGR2101010", 4, 0 },
};

const struct md_format *md_format_find(uint32_t fourcc)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].fourcc == fourcc)
			return &formats[i];
	return NULL;
}

/* The kernel's drm_mode_legacy_fb_format() mapping (little endian). */
uint32_t md_format_legacy(uint32_t bpp, uint32_t depth)
{
	switch (bpp) {
	case 8: return depth == 8 ? DRM_FORMAT_C8 : 0;
	case 16:
		if (depth == 15) return DRM_FORMAT_XRGB1555;
		if (depth == 16) return DRM_FORMAT_RGB565;
		return 0;
	case 24: return depth == 24 ? DRM_FORMAT_RGB888 : 0;
	case 32:
		if (depth == 24) return DRM_FORMAT_XRGB8888;
		if (depth == 30) return DRM_FORMAT_XRGB2101010;
		if (depth == 32) return DRM_FORMAT_ARGB8888;
		return 0;
	default: return 0;
	}
}

/* "XR24" (fourcc code) or "XRGB8888" (name). 0 if unknown. */
uint32_t md_format_parse(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(formats[i].name, s) == 0)
			return formats[i].fourcc;
	if (n == 4) {
		uint32_t f = fourcc_code(s[0], s[1], s[2], s[3]);
		if (md_format_find(f))
			return f;
	}
	return 0;
}

static inline uint8_t x5(uint32_t v) { return (uint8_t)((v << 3) | (v >> 2)); }
static inline uint8_t x6(uint32_t v) { return (uint8_t)((v << 2) | (v >> 4)); }
static inline uint8_t x10(uint32_t v) { return (uint8_t)(v >> 2); }

static inline uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* DRM formats are little-endian packed words; output is R,G,B bytes. */
void md_convert_row(const struct md_format *f, const uint8_t *s, uint8_t *o, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++, o += 3) {
		uint32_t v;
		switch (f->fourcc) {
		case DRM_FORMAT_C8:
			o[0] = o[1] = o[2] = s[i];
			break;
		case DRM_FORMAT_XRGB1555:
		case DRM_FORMAT_ARGB1555:
			v = rd16(s + 2 * i);
			o[0] = x5((v >> 10) & 31); o[1] = x5((v >> 5) & 31); o[2] = x5(v & 31);
			break;
		case DRM_FORMAT_RGB565:
			v = rd16(s + 2 * i);
			o[0] = x5(v >> 11); o[1] = x6((v >> 5) & 63); o[2] = x5(v & 31);
			break;
		case DRM_FORMAT_BGR565:
			v = rd16(s + 2 * i);
			o[2] = x5(v >> 11); o[1] = x6((v >> 5) & 63); o[0] = x5(v & 31);
			break;
		case DRM_FORMAT_RGB888: /* [23:0] R:G:B little endian -> bytes B,G,R */
			o[0] = s[3 * i + 2]; o[1] = s[3 * i + 1]; o[2] = s[3 * i];
			break;
		case DRM_FORMAT_BGR888:
			o[0] = s[3 * i]; o[1] = s[3 * i + 1]; o[2] = s[3 * i + 2];
			break;
		case DRM_FORMAT_XRGB8888:
		case DRM_FORMAT_ARGB8888:
			o[0] = s[4 * i + 2]; o[1] = s[4 * i + 1]; o[2] = s[4 * i];
			break;
		case DRM_FORMAT_XBGR8888:
		case DRM_FORMAT_ABGR8888:
			o[0] = s[4 * i]; o[1] = s[4 * i + 1]; o[2] = s[4 * i + 2];
			break;
		case DRM_FORMAT_RGBX8888:
		case DRM_FORMAT_RGBA8888:
			o[0] = s[4 * i + 3]; o[1] = s[4 * i + 2]; o[2] = s[4 * i + 1];
			break;
		case DRM_FORMAT_BGRX8888:
		case DRM_FORMAT_BGRA8888:
			o[0] = s[4 * i + 1]; o[1] = s[4 * i + 2]; o[2] = s[4 * i + 3];
			break;
		case DRM_FORMAT_XRGB2101010:
		case DRM_FORMAT_ARGB2101010:
			v = rd32(s + 4 * i);
			o[0] = x10((v >> 20) & 1023); o[1] = x10((v >> 10) & 1023); o[2] = x10(v & 1023);
			break;
		case DRM_FORMAT_XBGR2101010:
		case DRM_FORMAT_ABGR2101010:
			v = rd32(s + 4 * i);
			o[2] = x10((v >> 20) & 1023); o[1] = x10((v >> 10) & 1023); o[0] = x10(v & 1023);
			break;
		default:
			o[0] = o[1] = o[2] = 0;
			break;
		}
	}
}
