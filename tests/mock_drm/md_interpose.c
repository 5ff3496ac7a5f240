/*
 * libc interposition and the fd table.
 *
 * open/openat(+64, +__*_2) of the mock path create a DRM file; close, ioctl,
 * mmap/munmap, dup/dup2/dup3/fcntl(F_DUPFD*), fstat/stat on mock fds or
 * paths are answered here; everything else goes to the next definition
 * (dlsym(RTLD_NEXT)). Non-mock fds take a lock-free fast path.
 */
/* This file defines libc's own names: no LFS/time64 renaming, no fortify inlines. */
#undef _FILE_OFFSET_BITS
#undef _TIME_BITS
#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "md_internal.h"

#ifdef __GLIBC__
#define MD_IOCTL_REQ_T unsigned long
#else
#define MD_IOCTL_REQ_T int
#endif

#define MD_FAST_FDS 4096
#define MD_EXPORT __attribute__((visibility("default")))

_Thread_local bool md_tls_inside;

static atomic_uchar fd_mark[MD_FAST_FDS];
static atomic_int n_mock_fds;
static atomic_int n_maps;
static atomic_int n_prime;
static atomic_bool path_ready;
static struct md_file **fdtab;
static int fdtab_cap;

/* ---- the next definitions ---- */

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*close_fn)(int);
typedef int (*ioctl_fn)(int, MD_IOCTL_REQ_T, ...);
typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);
typedef int (*munmap_fn)(void *, size_t);
typedef int (*dup_fn)(int);
typedef int (*dup2_fn)(int, int);
typedef int (*dup3_fn)(int, int, int);
typedef int (*fcntl_fn)(int, int, ...);
typedef int (*close_range_fn)(unsigned, unsigned, int);
typedef int (*fstat_fn)(int, struct stat *);
typedef int (*stat_fn)(const char *, struct stat *);

static void *next_sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

#define NEXT(type, name)                                                              \
	static type next_##name(void)                                                 \
	{                                                                             \
		static _Atomic(type) p;                                               \
		type f = atomic_load_explicit(&p, memory_order_acquire);              \
		if (!f) {                                                             \
			void *sym = next_sym(#name);                                  \
			memcpy(&f, &sym, sizeof(f));                                  \
			atomic_store_explicit(&p, f, memory_order_release);           \
		}                                                                     \
		return f;                                                             \
	}

/* The next definitions, one list for their lookups and for resolving them all at load. */
#define NEXT_PORTABLE(X)                                                              \
	X(open_fn, open)                                                              \
	X(openat_fn, openat)                                                          \
	X(close_fn, close)                                                            \
	X(ioctl_fn, ioctl)                                                            \
	X(mmap_fn, mmap)                                                              \
	X(munmap_fn, munmap)                                                          \
	X(dup_fn, dup)                                                                \
	X(dup2_fn, dup2)                                                              \
	X(dup3_fn, dup3)                                                              \
	X(fcntl_fn, fcntl)                                                            \
	X(close_range_fn, close_range)                                                \
	X(fstat_fn, fstat)                                                            \
	X(stat_fn, stat)
#ifdef __GLIBC__
typedef void *(*mmap64_fn)(void *, size_t, int, int, int, off64_t);
typedef int (*fstat64_fn)(int, struct stat64 *);
typedef int (*stat64_fn)(const char *, struct stat64 *);
#define NEXT_ALL(X)                                                                   \
	NEXT_PORTABLE(X)                                                              \
	X(open_fn, open64)                                                            \
	X(openat_fn, openat64)                                                        \
	X(mmap64_fn, mmap64)                                                          \
	X(fcntl_fn, fcntl64)                                                          \
	X(fstat64_fn, fstat64)                                                        \
	X(stat64_fn, stat64)
#else
#define NEXT_ALL(X) NEXT_PORTABLE(X)
#endif

NEXT_ALL(NEXT)

/* Every next definition looked up at load rather than on first use: a sanitizer reporting
 * a bug opens files as it symbolizes, and a dlsym() from inside its report frees dlerror's
 * buffer with the wrong allocator (ThreadSanitizer: "CHECK failed: ... IsAligned(p,
 * page_size_)", which hid the report itself). */
#define RESOLVE(type, name) next_##name();
__attribute__((constructor)) static void resolve_next_definitions(void)
{
	NEXT_ALL(RESOLVE)
}

int md_real_close(int fd)
{
	close_fn f = next_close();
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(fd);
}

int md_real_ioctl(int fd, unsigned long req, void *arg)
{
	ioctl_fn f = next_ioctl();
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(fd, (MD_IOCTL_REQ_T)req, arg);
}

void *md_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	mmap_fn f = next_mmap();
	if (!f) {
		errno = ENOSYS;
		return MAP_FAILED;
	}
	return f(addr, len, prot, flags, fd, off);
}

int md_real_munmap(void *addr, size_t len)
{
	munmap_fn f = next_munmap();
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(addr, len);
}

int md_real_fstat_info(int fd, uint64_t *dev, uint64_t *ino, uint64_t *size, unsigned *mode)
{
	struct stat st;
	fstat_fn f = next_fstat();
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	if (f(fd, &st) < 0)
		return -1;
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
	*size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	*mode = (unsigned)st.st_mode;
	return 0;
}

/* ---- fd table (md.lock held) ---- */

void md_fd_register(int fd, struct md_file *f)
{
	if (fd < 0)
		return;
	if (fd >= fdtab_cap) {
		int n = fdtab_cap ? fdtab_cap : 64;
		while (n <= fd)
			n *= 2;
		void *p = realloc(fdtab, (size_t)n * sizeof(*fdtab));
		if (!p)
			return;
		fdtab = p;
		memset(&fdtab[fdtab_cap], 0, (size_t)(n - fdtab_cap) * sizeof(*fdtab));
		fdtab_cap = n;
	}
	if (!fdtab[fd])
		atomic_fetch_add(&n_mock_fds, 1);
	fdtab[fd] = f;
	if (fd < MD_FAST_FDS)
		atomic_store(&fd_mark[fd], 1);
}

struct md_file *md_fd_lookup(int fd)
{
	if (fd < 0 || fd >= fdtab_cap)
		return NULL;
	return fdtab[fd];
}

struct md_file *md_fd_unregister(int fd)
{
	struct md_file *f = md_fd_lookup(fd);
	if (!f)
		return NULL;
	fdtab[fd] = NULL;
	if (fd < MD_FAST_FDS)
		atomic_store(&fd_mark[fd], 0);
	atomic_fetch_sub(&n_mock_fds, 1);
	return f;
}

void md_maps_changed(int delta) { atomic_fetch_add(&n_maps, delta); }
void md_prime_changed(int delta) { atomic_fetch_add(&n_prime, delta); }

static inline bool maybe_mock(int fd)
{
	if (fd < 0 || md_tls_inside || atomic_load_explicit(&n_mock_fds, memory_order_relaxed) == 0)
		return false;
	if (fd < MD_FAST_FDS)
		return atomic_load_explicit(&fd_mark[fd], memory_order_relaxed) != 0;
	return true;
}

/* ---- paths ---- */

static bool is_mock_path(const char *path)
{
	bool r;
	if (!path || path[0] != '/' || md_tls_inside)
		return false;
	if (!atomic_load_explicit(&path_ready, memory_order_acquire)) {
		md_lock();
		md_ensure_init_locked();
		md_unlock();
		atomic_store_explicit(&path_ready, true, memory_order_release);
	}
	r = strcmp(path, md.cfg.path) == 0;
	return r;
}

/* "/dev/dri" for "/dev/dri/card0" */
static bool is_mock_dir(const char *path)
{
	const char *slash;
	size_t n;
	if (!path || path[0] != '/' || md_tls_inside)
		return false;
	is_mock_path(path); /* init */
	slash = strrchr(md.cfg.path, '/');
	if (!slash || slash == md.cfg.path)
		return false;
	n = (size_t)(slash - md.cfg.path);
	return strncmp(path, md.cfg.path, n) == 0 && (path[n] == 0 || (path[n] == '/' && path[n + 1] == 0));
}

static unsigned mock_minor(void)
{
	const char *p = md.cfg.path + strlen(md.cfg.path);
	while (p > md.cfg.path && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return (unsigned)atoi(p);
}

static bool needs_mode(int flags)
{
#ifdef O_TMPFILE
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return true;
#endif
	return (flags & O_CREAT) != 0;
}

/* ---- open family ---- */

#define GET_MODE(flags, last)                             \
	mode_t mode = 0;                                  \
	if (needs_mode(flags)) {                          \
		va_list ap;                               \
		va_start(ap, last);                       \
		mode = (mode_t)va_arg(ap, int);           \
		va_end(ap);                               \
	}

MD_EXPORT int open(const char *path, int flags, ...)
{
	GET_MODE(flags, flags);
	if (is_mock_path(path))
		return md_file_open(flags);
	open_fn f = next_open();
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(path, flags, mode);
}

MD_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	GET_MODE(flags, flags);
	if (is_mock_path(path))
		return md_file_open(flags);
	openat_fn f = next_openat();
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(dirfd, path, flags, mode);
}

MD_EXPORT int __open_2(const char *path, int flags);
MD_EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

MD_EXPORT int __openat_2(int dirfd, const char *path, int flags);
MD_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

#ifdef __GLIBC__
MD_EXPORT int open64(const char *path, int flags, ...)
{
	GET_MODE(flags, flags);
	if (is_mock_path(path))
		return md_file_open(flags);
	open_fn f = next_open64();
	if (!f)
		f = next_open();
	return f(path, flags, mode);
}

MD_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	GET_MODE(flags, flags);
	if (is_mock_path(path))
		return md_file_open(flags);
	openat_fn f = next_openat64();
	if (!f)
		f = next_openat();
	return f(dirfd, path, flags, mode);
}

MD_EXPORT int __open64_2(const char *path, int flags);
MD_EXPORT int __open64_2(const char *path, int flags)
{
	return open64(path, flags);
}

MD_EXPORT int __openat64_2(int dirfd, const char *path, int flags);
MD_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return openat64(dirfd, path, flags);
}
#endif

/* ---- close ---- */

MD_EXPORT int close(int fd)
{
	if (maybe_mock(fd)) {
		md_lock();
		struct md_file *f = md_fd_unregister(fd);
		if (f) {
			int r;
			md_file_fd_closed(f);
			r = md_real_close(fd);
			md_unlock();
			return r;
		}
		md_unlock();
	}
	if (!md_tls_inside && fd >= 0 && atomic_load_explicit(&n_prime, memory_order_relaxed) > 0) {
		md_lock();
		md_prime_fd_closed(fd);
		md_unlock();
	}
	return md_real_close(fd);
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* close_range() must not leave stale entries in the fd table. */
MD_EXPORT int close_range(unsigned first, unsigned last, int flags);
MD_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	close_range_fn f = next_close_range();
	int r;
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	if (md_tls_inside || (flags & (int)CLOSE_RANGE_CLOEXEC) ||
	    (atomic_load(&n_mock_fds) == 0 && atomic_load(&n_prime) == 0))
		return f(first, last, flags);
	md_lock();
	r = f(first, last, flags);
	if (r == 0) {
		for (unsigned fd = first; fd <= last && fd < (unsigned)fdtab_cap; fd++) {
			struct md_file *mf = md_fd_unregister((int)fd);
			if (mf)
				md_file_fd_closed(mf);
		}
		for (size_t i = md.nprime; i-- > 0;)
			if ((unsigned)md.prime_fds[i] >= first && (unsigned)md.prime_fds[i] <= last)
				md_prime_fd_closed(md.prime_fds[i]);
	}
	md_unlock();
	return r;
}

/* ---- ioctl ---- */

/* The mock's handlers run in the caller's thread where the kernel's would run in the
 * kernel: a benchmark subtracts this from its threads' CPU time to leave its own. */
static atomic_uint_fast64_t ioctl_cpu_ns;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t mock_drm_ioctl_cpu_ns(void)
{
	return atomic_load(&ioctl_cpu_ns);
}

MD_EXPORT int ioctl(int fd, MD_IOCTL_REQ_T req, ...);
MD_EXPORT int ioctl(int fd, MD_IOCTL_REQ_T req, ...)
{
	va_list ap;
	void *arg;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (maybe_mock(fd)) {
		uint64_t cpu0 = thread_cpu_ns();
		md_lock();
		struct md_file *f = md_fd_lookup(fd);
		int r = -1;
		if (f) {
			f->busy++;
			r = md_ioctl(f, (unsigned long)(unsigned int)req, arg);
			md_file_put_busy(f);
		}
		md_unlock();
		atomic_fetch_add(&ioctl_cpu_ns, thread_cpu_ns() - cpu0);
		if (r > 0)
			errno = r;
		if (r >= 0)
			return r ? -1 : 0;
	}
	return md_real_ioctl(fd, (unsigned long)req, arg);
}

/* ---- mmap ---- */

static void *mock_mmap(int fd, void *addr, size_t len, int prot, int flags, uint64_t off, bool *handled)
{
	void *r = MAP_FAILED;
	*handled = false;
	if (!maybe_mock(fd))
		return r;
	md_lock();
	struct md_file *f = md_fd_lookup(fd);
	if (f) {
		*handled = true;
		r = md_mmap(f, addr, len, prot, flags, off);
	}
	md_unlock();
	return r;
}

MD_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	bool handled;
	void *r = mock_mmap(fd, addr, len, prot, flags, (uint64_t)off, &handled);
	if (handled)
		return r;
	return md_real_mmap(addr, len, prot, flags, fd, off);
}

#ifdef __GLIBC__
MD_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	bool handled;
	void *r = mock_mmap(fd, addr, len, prot, flags, (uint64_t)off, &handled);
	if (handled)
		return r;
	mmap64_fn f = next_mmap64();
	if (!f)
		return md_real_mmap(addr, len, prot, flags, fd, (off_t)off);
	return f(addr, len, prot, flags, fd, off);
}
#endif

MD_EXPORT int munmap(void *addr, size_t len)
{
	if (!md_tls_inside && atomic_load_explicit(&n_maps, memory_order_relaxed) > 0) {
		int r;
		md_lock();
		r = md_real_munmap(addr, len);
		if (r == 0)
			md_munmap_track((uintptr_t)addr, len);
		md_unlock();
		return r;
	}
	return md_real_munmap(addr, len);
}

/* ---- dup family: aliases share the DRM file, like the kernel's struct file ---- */

static int after_dup(int oldfd, int r)
{
	if (r >= 0) {
		struct md_file *f = md_fd_lookup(oldfd);
		if (f) {
			f->nfds++;
			md_fd_register(r, f);
		}
	}
	return r;
}

MD_EXPORT int dup(int fd)
{
	dup_fn f = next_dup();
	int r;
	if (!maybe_mock(fd))
		return f(fd);
	md_lock();
	r = after_dup(fd, f(fd));
	md_unlock();
	return r;
}

static int dup_onto(int oldfd, int newfd, int r)
{
	if (r >= 0 && oldfd != newfd) {
		struct md_file *old = md_fd_unregister(newfd);
		if (old)
			md_file_fd_closed(old);
		after_dup(oldfd, r);
	}
	return r;
}

MD_EXPORT int dup2(int oldfd, int newfd)
{
	dup2_fn f = next_dup2();
	int r;
	if (!maybe_mock(oldfd) && !maybe_mock(newfd))
		return f(oldfd, newfd);
	md_lock();
	r = dup_onto(oldfd, newfd, f(oldfd, newfd));
	md_unlock();
	return r;
}

MD_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	dup3_fn f = next_dup3();
	int r;
	if (!maybe_mock(oldfd) && !maybe_mock(newfd))
		return f(oldfd, newfd, flags);
	md_lock();
	r = dup_onto(oldfd, newfd, f(oldfd, newfd, flags));
	md_unlock();
	return r;
}

static int do_fcntl(fcntl_fn f, int fd, int cmd, unsigned long arg)
{
	int r;
	if ((cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) || !maybe_mock(fd))
		return f(fd, cmd, arg);
	md_lock();
	r = after_dup(fd, f(fd, cmd, arg));
	md_unlock();
	return r;
}

MD_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	unsigned long arg;
	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return do_fcntl(next_fcntl(), fd, cmd, arg);
}

#ifdef __GLIBC__
MD_EXPORT int fcntl64(int fd, int cmd, ...);
MD_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	unsigned long arg;
	fcntl_fn f = next_fcntl64();
	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return do_fcntl(f ? f : next_fcntl(), fd, cmd, arg);
}
#endif

/* ---- stat: the node looks like a DRM character device (major 226) ---- */

#define FAKE_STAT(st, is_dir)                                                       \
	do {                                                                        \
		memset((st), 0, sizeof(*(st)));                                     \
		(st)->st_mode = (is_dir) ? (S_IFDIR | 0755) : (S_IFCHR | 0666);     \
		(st)->st_nlink = (is_dir) ? 2 : 1;                                  \
		(st)->st_rdev = (is_dir) ? 0 : makedev(226, mock_minor());          \
		(st)->st_dev = makedev(0, 6);                                       \
		(st)->st_ino = (is_dir) ? 0x4d440001 : 0x4d440002 + mock_minor();   \
		(st)->st_blksize = 4096;                                            \
	} while (0)

static int path_kind(const char *path)
{
	if (is_mock_path(path))
		return md.unplugged ? -1 : 1;
	if (is_mock_dir(path))
		return 2;
	return 0;
}

static bool fd_is_mock(int fd)
{
	bool r = false;
	if (maybe_mock(fd)) {
		md_lock();
		r = md_fd_lookup(fd) != NULL;
		md_unlock();
	}
	return r;
}

MD_EXPORT int fstat(int fd, struct stat *st)
{
	if (fd_is_mock(fd)) {
		FAKE_STAT(st, 0);
		return 0;
	}
	return next_fstat()(fd, st);
}

MD_EXPORT int stat(const char *path, struct stat *st)
{
	int k = path_kind(path);
	int r;
	if (k == 1) {
		FAKE_STAT(st, 0);
		return 0;
	}
	if (k == -1) {
		errno = ENOENT;
		return -1;
	}
	r = next_stat()(path, st);
	if (r < 0 && k == 2) {
		FAKE_STAT(st, 1);
		return 0;
	}
	return r;
}

#ifdef __GLIBC__
MD_EXPORT int fstat64(int fd, struct stat64 *st)
{
	if (fd_is_mock(fd)) {
		FAKE_STAT(st, 0);
		return 0;
	}
	return next_fstat64()(fd, st);
}

MD_EXPORT int stat64(const char *path, struct stat64 *st)
{
	int k = path_kind(path);
	int r;
	if (k == 1) {
		FAKE_STAT(st, 0);
		return 0;
	}
	if (k == -1) {
		errno = ENOENT;
		return -1;
	}
	r = next_stat64()(path, st);
	if (r < 0 && k == 2) {
		FAKE_STAT(st, 1);
		return 0;
	}
	return r;
}
#endif
