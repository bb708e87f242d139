// Thin C entry points for what Swift cannot call directly: syscalls glibc does not wrap (pivot_root,
// openat2, close_range on old glibc), variadic functions (prctl, ioctl), function-like macros
// (W*, makedev) and glibc enums that do not import as Int32 (__rlimit_resource).
// Every function returns what the kernel returned; errno is left for Swift to read.
#ifndef CLINUXKIT_H
#define CLINUXKIT_H

#include <linux/prctl.h>
#include <linux/sched.h>
#include <stdint.h>
#include <sys/types.h>

// Flags glibc only declares under _GNU_SOURCE, which Swift's Glibc module does not define.
#define BK_O_PATH 010000000
#define BK_ST_NOSUID 2
#define BK_ST_NODEV 4
#define BK_ST_NOEXEC 8

int bk_pivot_root(const char *new_root, const char *put_old);
int bk_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);
int bk_close_range(unsigned int first, unsigned int last, unsigned int flags);
int bk_pipe2(int fds[2], int flags);
int bk_unshare(int flags);
int bk_setns(int fd, int nstype);
int bk_sethostname(const char *name, size_t len);
int bk_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);
int bk_setrlimit(int resource, uint64_t soft, uint64_t hard);
int bk_getrlimit(int resource, uint64_t *soft, uint64_t *hard);
pid_t bk_fork(void);
int bk_interface_up(const char *name);
int bk_mknod(const char *path, mode_t mode, unsigned int major, unsigned int minor);
int bk_mknodat(int dirfd, const char *path, mode_t mode, unsigned int major, unsigned int minor);
int bk_pidfd_open(pid_t pid, unsigned int flags);
int bk_pidfd_send_signal(int pidfd, int sig);
// A signalfd for every signal (the caller has them all blocked); returns the fd or -1.
int bk_signalfd_all(void);
// Reads one signalfd_siginfo; returns the signal number, 0 if none is pending, -1 on error.
int bk_signalfd_read(int fd, int32_t *pid, int32_t *status);
// RFC 3339 UTC with nanoseconds ("2026-11-26T17:50:01.123456789Z") of CLOCK_REALTIME now; out needs 32 bytes.
void bk_rfc3339_now(char out[32]);

// Caps glibc malloc's arenas (mallopt M_ARENA_MAX); 1 on success.
int bk_malloc_arena_max(int count);
int bk_setgroups(size_t size, const gid_t *list);
int bk_setresuid(uid_t uid);
int bk_setresgid(gid_t gid);

// posix_spawn with berth's defaults for helpers: every fd above 2 closed in the child, signal mask
// emptied and dispositions reset, optionally its own process group. Returns 0 or an errno value.
int bk_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_process_group);
// The same, with stdout/stderr appended to files (created 0640), for helpers that must not share the
// daemon's terminal or pipes, and stdin read from stdin_path (docker-credential-* takes its request
// there) or else, when an output path is given, /dev/null. Any path may be NULL to inherit.
int bk_spawn_logged(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_process_group,
                    const char *stdin_path, const char *stdout_path, const char *stderr_path);
// For berth-shim: like bk_spawn_logged, but the child starts with every signal blocked (so a stop
// signal sent the instant it exists is queued, not fatal) and, when extra_fd >= 0, gets it as fd 3.
int bk_spawn_shim(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *stdout_path,
                  const char *stderr_path, int extra_fd);

// Installs a classic BPF seccomp program (an array of struct sock_filter, `bytes` long) on the calling
// thread with prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER). Needs no_new_privs or CAP_SYS_ADMIN.
int bk_seccomp_install(const void *filter, size_t bytes);
int bk_memfd_create(const char *name);
// A sealed anonymous copy of the regular file open at source_fd, for executing: memfd_create(name,
// MFD_CLOEXEC | MFD_ALLOW_SEALING, plus MFD_EXEC where the kernel knows it), the whole file copied in,
// then F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE, checked with F_GET_SEALS. Returns the
// memfd, or -1 with errno (EIO: the copy came out short; EPERM: the seals did not hold).
int bk_sealed_copy(int source_fd, const char *name);
// The seals F_GET_SEALS reports for fd (the BK_SEAL_* bits), or -1.
int bk_get_seals(int fd);
// The filesystem magic (statfs f_type) of an open file, or -1.
long bk_filesystem_type(int fd);

// Wait-status decoding (the W* macros).
int bk_wifexited(int status);
int bk_wexitstatus(int status);
int bk_wifsignaled(int status);
int bk_wtermsig(int status);

// Constants Swift sees only as macros built from other macros.
extern const unsigned int BK_S_IFCHR;
extern const unsigned int BK_S_IFDIR;
extern const unsigned int BK_S_IFREG;
extern const unsigned int BK_S_IFLNK;
extern const unsigned int BK_S_IFMT;
extern const uint64_t BK_RESOLVE_IN_ROOT;
extern const uint64_t BK_RESOLVE_NO_MAGICLINKS;
extern const uint64_t BK_RESOLVE_NO_XDEV;
extern const uint64_t BK_RESOLVE_NO_SYMLINKS;
extern const uint64_t BK_RLIM_INFINITY;
extern const unsigned int BK_CLOSE_RANGE_CLOEXEC;
extern const int BK_SEAL_SEAL;
extern const int BK_SEAL_SHRINK;
extern const int BK_SEAL_GROW;
extern const int BK_SEAL_WRITE;

#endif
