#define _GNU_SOURCE
#include "CLinuxKit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <malloc.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/vfs.h>
#include <sys/signalfd.h>
#include <time.h>
#include <stdio.h>
#include <spawn.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

const unsigned int BK_S_IFCHR = S_IFCHR;
const unsigned int BK_S_IFDIR = S_IFDIR;
const unsigned int BK_S_IFREG = S_IFREG;
const unsigned int BK_S_IFLNK = S_IFLNK;
const unsigned int BK_S_IFMT = S_IFMT;
const uint64_t BK_RESOLVE_IN_ROOT = RESOLVE_IN_ROOT;
const uint64_t BK_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;
const uint64_t BK_RESOLVE_NO_XDEV = RESOLVE_NO_XDEV;
const uint64_t BK_RESOLVE_NO_SYMLINKS = RESOLVE_NO_SYMLINKS;
const uint64_t BK_RLIM_INFINITY = RLIM_INFINITY;
const unsigned int BK_CLOSE_RANGE_CLOEXEC = CLOSE_RANGE_CLOEXEC;
const int BK_SEAL_SEAL = F_SEAL_SEAL;
const int BK_SEAL_SHRINK = F_SEAL_SHRINK;
const int BK_SEAL_GROW = F_SEAL_GROW;
const int BK_SEAL_WRITE = F_SEAL_WRITE;

int bk_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int bk_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = flags;
    how.mode = mode;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int bk_close_range(unsigned int first, unsigned int last, unsigned int flags) {
    return (int)syscall(SYS_close_range, first, last, flags);
}

int bk_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }
int bk_unshare(int flags) { return unshare(flags); }
int bk_setns(int fd, int nstype) { return setns(fd, nstype); }
int bk_sethostname(const char *name, size_t len) { return sethostname(name, len); }

int bk_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5) {
    return prctl(option, arg2, arg3, arg4, arg5);
}

int bk_setrlimit(int resource, uint64_t soft, uint64_t hard) {
    struct rlimit limit = {.rlim_cur = soft, .rlim_max = hard};
    return setrlimit((__rlimit_resource_t)resource, &limit);
}

int bk_getrlimit(int resource, uint64_t *soft, uint64_t *hard) {
    struct rlimit limit;
    int rc = getrlimit((__rlimit_resource_t)resource, &limit);
    if (rc == 0) {
        *soft = limit.rlim_cur;
        *hard = limit.rlim_max;
    }
    return rc;
}

pid_t bk_fork(void) { return fork(); }

// Brings an interface up with SIOCSIFFLAGS; used for "lo" in a fresh network namespace, where one
// ioctl is cheaper than a netlink round trip.
int bk_interface_up(const char *name) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFFLAGS, &request);
    if (rc == 0) {
        request.ifr_flags |= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int bk_mknod(const char *path, mode_t mode, unsigned int major, unsigned int minor) {
    return mknod(path, mode, makedev(major, minor));
}

int bk_mknodat(int dirfd, const char *path, mode_t mode, unsigned int major, unsigned int minor) {
    return mknodat(dirfd, path, mode, makedev(major, minor));
}

int bk_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

int bk_pidfd_send_signal(int pidfd, int sig) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int bk_signalfd_all(void) {
    sigset_t all;
    sigfillset(&all);
    return signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
}

int bk_signalfd_read(int fd, int32_t *pid, int32_t *status) {
    struct signalfd_siginfo info;
    ssize_t n;
    do {
        n = read(fd, &info, sizeof info);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    if (n != sizeof info) return -1;
    if (pid) *pid = (int32_t)info.ssi_pid;
    if (status) *status = info.ssi_status;
    return (int)info.ssi_signo;
}

void bk_rfc3339_now(char out[32]) {
    struct timespec now;
    struct tm utc;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
             utc.tm_hour, utc.tm_min, utc.tm_sec, now.tv_nsec);
}

int bk_setgroups(size_t size, const gid_t *list) { return setgroups(size, list); }
int bk_setresuid(uid_t uid) { return setresuid(uid, uid, uid); }
int bk_setresgid(gid_t gid) { return setresgid(gid, gid, gid); }

int bk_wifexited(int status) { return WIFEXITED(status); }
int bk_wexitstatus(int status) { return WEXITSTATUS(status); }
int bk_wifsignaled(int status) { return WIFSIGNALED(status); }
int bk_wtermsig(int status) { return WTERMSIG(status); }

int bk_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_process_group) {
    return bk_spawn_logged(pid, path, argv, envp, new_process_group, NULL, NULL, NULL);
}

static int spawn_with(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_process_group,
                      const char *stdin_path, const char *stdout_path, const char *stderr_path, int block_signals,
                      int extra_fd);

int bk_spawn_logged(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_process_group,
                    const char *stdin_path, const char *stdout_path, const char *stderr_path) {
    return spawn_with(pid, path, argv, envp, new_process_group, stdin_path, stdout_path, stderr_path, 0, -1);
}

int bk_spawn_shim(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *stdout_path,
                  const char *stderr_path, int extra_fd) {
    return spawn_with(pid, path, argv, envp, 1, NULL, stdout_path, stderr_path, 1, extra_fd);
}

static int spawn_with(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_process_group,
                      const char *stdin_path, const char *stdout_path, const char *stderr_path, int block_signals,
                      int extra_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attributes);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    if (stdin_path != NULL) {
        posix_spawn_file_actions_addopen(&actions, 0, stdin_path, O_RDONLY, 0);
    } else if (stdout_path != NULL || stderr_path != NULL) {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    if (stdout_path != NULL) {
        posix_spawn_file_actions_addopen(&actions, 1, stdout_path, O_WRONLY | O_CREAT | O_APPEND, 0640);
    }
    if (stderr_path != NULL) {
        posix_spawn_file_actions_addopen(&actions, 2, stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0640);
    }
    if (extra_fd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, extra_fd, 3);
    }
    // Nothing else the (multithreaded) parent holds leaks into the helper.
    posix_spawn_file_actions_addclosefrom_np(&actions, extra_fd >= 0 ? 4 : 3);
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, block_signals ? &all : &empty);
    posix_spawnattr_setsigdefault(&attributes, &all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_process_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attributes, 0);
    }
    posix_spawnattr_setflags(&attributes, flags);
    rc = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return rc;
}

int bk_seccomp_install(const void *filter, size_t bytes) {
    if (bytes == 0 || bytes % sizeof(struct sock_filter) != 0 || bytes / sizeof(struct sock_filter) > 0xffff) {
        errno = EINVAL;
        return -1;
    }
    struct sock_fprog program = {
        .len = (unsigned short)(bytes / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)filter,
    };
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}

int bk_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

int bk_sealed_copy(int source_fd, const char *name) {
    struct stat source;
    if (fstat(source_fd, &source) != 0) return -1;
    if (!S_ISREG(source.st_mode)) {
        errno = EINVAL;
        return -1;
    }
    // MFD_EXEC (Linux 6.3) keeps the copy executable under vm.memfd_noexec=1; older kernels refuse
    // the unknown flag with EINVAL, and there every memfd is executable.
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    off_t offset = 0;
    while (offset < source.st_size) {
        ssize_t copied = sendfile(fd, source_fd, &offset, (size_t)(source.st_size - offset));
        if (copied < 0 && errno == EINTR) continue;
        if (copied <= 0) {
            int saved = copied < 0 ? errno : EIO;
            close(fd);
            errno = saved;
            return -1;
        }
    }
    struct stat copy;
    if (fstat(fd, &copy) != 0 || copy.st_size != source.st_size) {
        close(fd);
        errno = EIO;
        return -1;
    }
    int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    if (fcntl(fd, F_ADD_SEALS, seals) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if ((fcntl(fd, F_GET_SEALS) & seals) != seals) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

int bk_get_seals(int fd) { return fcntl(fd, F_GET_SEALS); }

long bk_filesystem_type(int fd) {
    struct statfs info;
    if (fstatfs(fd, &info) != 0) return -1;
    return (long)info.f_type;
}

// mallopt(M_ARENA_MAX, count): <malloc.h> is not in Swift's Glibc module. Returns mallopt's result.
int bk_malloc_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}
