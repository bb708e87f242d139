/*
 * probe - a tiny static program that runs inside a berth container and
 * reports what it sees (identity, capabilities, mounts, limits, ...) or
 * pokes at the kernel (syscalls, signals, files, zombies).
 *
 * Build: gcc -std=c11 -static -O2 -Wall -Wextra -o probe probe.c
 *
 * Everything is written to stdout unless noted; see usage() and
 * rootfs-fixtures/README.md for the subcommands and output formats.
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef PTRACE_ATTACH
#define PTRACE_ATTACH 16
#endif
#ifndef PTRACE_DETACH
#define PTRACE_DETACH 17
#endif
#ifndef PTRACE_CONT
#define PTRACE_CONT 7
#endif

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_THREAD_KEYRING (-1)
#define KEY_SPEC_PROCESS_KEYRING (-2)

extern char **environ;

/* ------------------------------------------------------------------ */
/* small helpers                                                        */
/* ------------------------------------------------------------------ */

static const char *errname(int e)
{
    if (e == 0)
        return "";
    const char *n = strerrorname_np(e);
    if (n != NULL)
        return n;
    static char buf[32];
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}

/* Read a whole file (works for /proc files whose st_size is 0).
 * Returns a NUL-terminated malloc'd buffer or NULL (errno set). */
static char *read_all(const char *path, size_t *len_out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (cap - len < 1024) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                close(fd);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *s, struct timespec *ts)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(d >= 0) || d > 1e9)
        return -1;
    ts->tv_sec = (time_t)d;
    ts->tv_nsec = (long)((d - (double)ts->tv_sec) * 1e9);
    if (ts->tv_nsec < 0)
        ts->tv_nsec = 0;
    if (ts->tv_nsec > 999999999)
        ts->tv_nsec = 999999999;
    return 0;
}

static void sleep_ts(struct timespec ts)
{
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    sleep_ts(ts);
}

static int is_all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Numeric entries of a directory (e.g. /proc or /proc/self/fd), sorted.
 * skip_fd: an fd number to leave out (-1 for none). Returns count or -1. */
static long list_numeric(const char *dir, long **out, int skip_self_fd)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int self = skip_self_fd ? dirfd(d) : -1;
    size_t cap = 64, n = 0;
    long *v = malloc(cap * sizeof *v);
    if (v == NULL) {
        closedir(d);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_all_digits(de->d_name))
            continue;
        long x = strtol(de->d_name, NULL, 10);
        if (x == self)
            continue;
        if (n == cap) {
            long *nv = realloc(v, cap * 2 * sizeof *v);
            if (nv == NULL)
                break;
            v = nv;
            cap *= 2;
        }
        v[n++] = x;
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp_long);
    *out = v;
    return (long)n;
}

/* ------------------------------------------------------------------ */
/* JSON output                                                          */
/* ------------------------------------------------------------------ */

/* Length of a valid UTF-8 sequence starting at s (n bytes available),
 * or 0 if the bytes there are not valid UTF-8. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    else if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Print a JSON string. Quotes and backslashes are escaped, control chars
 * and bytes that are not valid UTF-8 become \u00XX, so the output is
 * always valid JSON in valid UTF-8. */
static void j_strn(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    putchar('"');
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            putchar('\\');
            putchar(c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            printf("\\u%04x", c);
            i++;
        } else {
            size_t l = utf8_len(s + i, n - i);
            if (l == 0) {
                printf("\\u%04x", c);
                i++;
            } else {
                fwrite(s + i, 1, l, stdout);
                i += l;
            }
        }
    }
    putchar('"');
}

static void j_str(const char *s)
{
    if (s == NULL)
        fputs("null", stdout);
    else
        j_strn(s, strlen(s));
}

static void j_key(const char *k, int *first)
{
    if (!*first)
        putchar(',');
    *first = 0;
    j_str(k);
    putchar(':');
}

/* ------------------------------------------------------------------ */
/* report                                                               */
/* ------------------------------------------------------------------ */

/* Value of "Key:\t..." in a /proc/.../status buffer, copied to out. */
static int status_field(const char *status, const char *key, char *out, size_t outlen)
{
    if (status == NULL)
        return -1;
    size_t kl = strlen(key);
    const char *p = status;
    while (p != NULL && *p) {
        if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
            const char *v = p + kl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t l = strcspn(v, "\n");
            while (l > 0 && (v[l - 1] == ' ' || v[l - 1] == '\t'))
                l--;
            if (l >= outlen)
                l = outlen - 1;
            memcpy(out, v, l);
            out[l] = '\0';
            return 0;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return -1;
}

/* Decode the octal escapes (\040 etc.) used in /proc/self/mountinfo. */
static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

static void report_mounts(void)
{
    char *mi = read_all("/proc/self/mountinfo", NULL);
    if (mi == NULL) {
        fputs("null", stdout);
        return;
    }
    putchar('[');
    int first_mount = 1;
    char *save_line = NULL;
    for (char *line = strtok_r(mi, "\n", &save_line); line != NULL;
         line = strtok_r(NULL, "\n", &save_line)) {
        /* id parent maj:min root target options [optional...] - fstype source super */
        char *f[64];
        int nf = 0;
        char *save_f = NULL;
        for (char *t = strtok_r(line, " ", &save_f); t != NULL && nf < 64;
             t = strtok_r(NULL, " ", &save_f))
            f[nf++] = t;
        if (nf < 7)
            continue;
        int sep = -1;
        for (int i = 6; i < nf; i++)
            if (strcmp(f[i], "-") == 0) {
                sep = i;
                break;
            }
        if (sep < 0 || sep + 2 >= nf)
            continue;
        char optional[512] = "";
        for (int i = 6; i < sep; i++) {
            if (optional[0])
                strncat(optional, " ", sizeof optional - strlen(optional) - 1);
            strncat(optional, f[i], sizeof optional - strlen(optional) - 1);
        }
        char *root = f[3], *target = f[4], *options = f[5];
        char *fstype = f[sep + 1], *source = f[sep + 2];
        char *super = sep + 3 < nf ? f[sep + 3] : "";
        unescape_octal(root);
        unescape_octal(target);
        unescape_octal(source);
        unescape_octal(fstype);
        if (!first_mount)
            putchar(',');
        first_mount = 0;
        int first = 1;
        putchar('{');
        j_key("target", &first);
        j_str(target);
        j_key("fstype", &first);
        j_str(fstype);
        j_key("source", &first);
        j_str(source);
        j_key("options", &first);
        j_str(options);
        j_key("super", &first);
        j_str(super);
        j_key("root", &first);
        j_str(root);
        j_key("optional", &first);
        j_str(optional);
        j_key("id", &first);
        printf("%ld", strtol(f[0], NULL, 10));
        j_key("parent", &first);
        printf("%ld", strtol(f[1], NULL, 10));
        putchar('}');
    }
    putchar(']');
    free(mi);
}

static const struct {
    const char *name;
    int res;
} rlimit_names[] = {
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},
    {"core", RLIMIT_CORE},       {"stack", RLIMIT_STACK},
    {"memlock", RLIMIT_MEMLOCK}, {"fsize", RLIMIT_FSIZE},
    {"as", RLIMIT_AS},           {"cpu", RLIMIT_CPU},
    {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"rtprio", RLIMIT_RTPRIO},   {"sigpending", RLIMIT_SIGPENDING},
    {"locks", RLIMIT_LOCKS},     {"data", RLIMIT_DATA},
    {"rss", RLIMIT_RSS},         {"rttime", RLIMIT_RTTIME},
};

static void print_rlim(rlim_t v)
{
    if (v == RLIM_INFINITY)
        fputs("-1", stdout);
    else
        printf("%llu", (unsigned long long)v);
}

static int cmd_report(int argc, char **argv)
{
    char *status = read_all("/proc/self/status", NULL);
    char tmp[256];
    int first = 1;

    putchar('{');
    j_key("pid", &first);
    printf("%ld", (long)getpid());
    j_key("ppid", &first);
    printf("%ld", (long)getppid());
    j_key("uid", &first);
    printf("%lu", (unsigned long)getuid());
    j_key("gid", &first);
    printf("%lu", (unsigned long)getgid());
    j_key("euid", &first);
    printf("%lu", (unsigned long)geteuid());
    j_key("egid", &first);
    printf("%lu", (unsigned long)getegid());

    j_key("groups", &first);
    {
        int n = getgroups(0, NULL);
        gid_t *g = n > 0 ? calloc((size_t)n, sizeof *g) : NULL;
        if (n > 0 && g != NULL)
            n = getgroups(n, g);
        putchar('[');
        for (int i = 0; i < n && g != NULL; i++)
            printf(i ? ",%lu" : "%lu", (unsigned long)g[i]);
        putchar(']');
        free(g);
    }

    j_key("hostname", &first);
    {
        char h[HOST_NAME_MAX + 2];
        if (gethostname(h, sizeof h) == 0) {
            h[sizeof h - 1] = '\0';
            j_str(h);
        } else
            j_str(NULL);
    }

    j_key("cwd", &first);
    {
        char *cwd = getcwd(NULL, 0);
        j_str(cwd);
        free(cwd);
    }

    j_key("argv", &first);
    putchar('[');
    for (int i = 0; i < argc; i++) {
        if (i)
            putchar(',');
        j_str(argv[i]);
    }
    putchar(']');

    j_key("env", &first);
    putchar('[');
    for (char **e = environ; e != NULL && *e != NULL; e++) {
        if (e != environ)
            putchar(',');
        j_str(*e);
    }
    putchar(']');

    j_key("caps", &first);
    {
        static const char *const ck[][2] = {
            {"inh", "CapInh"}, {"prm", "CapPrm"}, {"eff", "CapEff"},
            {"bnd", "CapBnd"}, {"amb", "CapAmb"},
        };
        int f2 = 1;
        putchar('{');
        for (size_t i = 0; i < sizeof ck / sizeof ck[0]; i++) {
            j_key(ck[i][0], &f2);
            j_str(status_field(status, ck[i][1], tmp, sizeof tmp) == 0 ? tmp : NULL);
        }
        putchar('}');
    }

    j_key("no_new_privs", &first);
    if (status_field(status, "NoNewPrivs", tmp, sizeof tmp) == 0)
        printf("%ld", strtol(tmp, NULL, 10));
    else
        printf("%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));

    j_key("seccomp", &first);
    if (status_field(status, "Seccomp", tmp, sizeof tmp) == 0)
        printf("%ld", strtol(tmp, NULL, 10));
    else
        printf("%d", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));

    j_key("rlimits", &first);
    {
        int f2 = 1;
        putchar('{');
        for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++) {
            struct rlimit rl;
            j_key(rlimit_names[i].name, &f2);
            if (getrlimit(rlimit_names[i].res, &rl) != 0) {
                fputs("null", stdout);
                continue;
            }
            putchar('[');
            print_rlim(rl.rlim_cur);
            putchar(',');
            print_rlim(rl.rlim_max);
            putchar(']');
        }
        putchar('}');
    }

    j_key("mounts", &first);
    report_mounts();

    j_key("cgroup", &first);
    {
        size_t len = 0;
        char *cg = read_all("/proc/self/cgroup", &len);
        if (cg != NULL)
            j_strn(cg, len);
        else
            j_str(NULL);
        free(cg);
    }

    j_key("interfaces", &first);
    {
        struct if_nameindex *ifs = if_nameindex();
        putchar('[');
        for (struct if_nameindex *p = ifs; p != NULL && p->if_index != 0; p++) {
            if (p != ifs)
                putchar(',');
            j_str(p->if_name);
        }
        putchar(']');
        if (ifs != NULL)
            if_freenameindex(ifs);
    }

    j_key("pids", &first);
    {
        long *pids = NULL;
        long n = list_numeric("/proc", &pids, 0);
        putchar('[');
        for (long i = 0; i < n; i++)
            printf(i ? ",%ld" : "%ld", pids[i]);
        putchar(']');
        free(pids);
    }

    j_key("umask", &first);
    if (status_field(status, "Umask", tmp, sizeof tmp) == 0)
        printf("%ld", strtol(tmp, NULL, 8));
    else {
        mode_t m = umask(0);
        umask(m);
        printf("%u", (unsigned)m);
    }

    puts("}");
    free(status);
    return 0;
}

/* ------------------------------------------------------------------ */
/* syscall                                                              */
/* ------------------------------------------------------------------ */

static long do_ptrace_parent(void)
{
    pid_t pp = getppid();
    long r = syscall(SYS_ptrace, PTRACE_ATTACH, (long)pp, 0L, 0L);
    if (r != 0)
        return r;
    int saved = errno;
    /* The tracee gets a SIGSTOP; wait for that stop and detach without
     * delivering it. Other signals that stop it first are re-injected. */
    for (int i = 0; i < 100; i++) {
        int st;
        if (waitpid(pp, &st, __WALL) < 0)
            break;
        if (!WIFSTOPPED(st))
            break;
        int sig = WSTOPSIG(st);
        if (sig == SIGSTOP) {
            syscall(SYS_ptrace, PTRACE_DETACH, (long)pp, 0L, 0L);
            break;
        }
        syscall(SYS_ptrace, PTRACE_CONT, (long)pp, 0L, (long)sig);
    }
    errno = saved;
    return r;
}

static int cmd_syscall(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: probe syscall NAME\n");
        return 2;
    }
    const char *name = argv[2];
    long ret;
    int err;

#define RUN(expr)                                                                            \
    do {                                                                                     \
        errno = 0;                                                                           \
        ret = (long)(expr);                                                                  \
        err = ret < 0 ? errno : 0;                                                           \
    } while (0)

    if (strcmp(name, "mount") == 0) {
        RUN(mount("none", "/mnt", "tmpfs", 0, NULL));
        if (ret == 0)
            umount2("/mnt", MNT_DETACH);
    } else if (strcmp(name, "umount") == 0) {
        RUN(umount2("/proc", MNT_DETACH));
    } else if (strcmp(name, "unshare") == 0) {
        RUN(unshare(CLONE_NEWNS));
    } else if (strcmp(name, "unshare-user") == 0) {
        RUN(unshare(CLONE_NEWUSER));
    } else if (strcmp(name, "setns") == 0) {
        int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            ret = -1;
            err = errno;
        } else {
            RUN(setns(fd, 0));
            close(fd);
        }
    } else if (strcmp(name, "keyctl") == 0) {
        RUN(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0));
    } else if (strcmp(name, "add_key") == 0) {
        RUN(syscall(SYS_add_key, "user", "berth-probe", "x", (size_t)1,
                    KEY_SPEC_PROCESS_KEYRING));
    } else if (strcmp(name, "bpf") == 0) {
        RUN(syscall(SYS_bpf, 0, NULL, 0));
        if (ret >= 0)
            close((int)ret);
    } else if (strcmp(name, "io_uring_setup") == 0) {
        RUN(syscall(SYS_io_uring_setup, 1, NULL));
        if (ret >= 0)
            close((int)ret);
    } else if (strcmp(name, "ptrace") == 0) {
        RUN(do_ptrace_parent());
    } else if (strcmp(name, "chroot") == 0) {
        RUN(chroot("/"));
    } else if (strcmp(name, "sethostname") == 0) {
        char old[HOST_NAME_MAX + 2];
        int have_old = gethostname(old, sizeof old) == 0;
        old[sizeof old - 1] = '\0';
        RUN(sethostname("x", 1));
        if (ret == 0 && have_old)
            sethostname(old, strlen(old)); /* put it back */
    } else if (strcmp(name, "reboot") == 0) {
        /* magic numbers 0: can never reboot; EPERM without CAP_SYS_BOOT,
         * EINVAL with it. */
        RUN(syscall(SYS_reboot, 0, 0, 0, 0));
    } else if (strcmp(name, "clone-newns") == 0) {
        fflush(stdout);
        fflush(stderr);
        RUN(syscall(SYS_clone, (unsigned long)(CLONE_NEWNS | SIGCHLD), NULL, NULL, NULL, 0));
        if (ret == 0)
            _exit(0);
        if (ret > 0)
            waitpid((pid_t)ret, NULL, 0);
    } else if (strcmp(name, "clone3") == 0) {
        RUN(syscall(SYS_clone3, NULL, 0));
        if (ret == 0)
            _exit(0); /* cannot happen with a NULL args struct */
    } else if (strcmp(name, "personality") == 0) {
        RUN(personality(0xffffffff));
    } else if (strcmp(name, "socket-vsock") == 0) {
        RUN(socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (ret >= 0)
            close((int)ret);
    } else if (strcmp(name, "socket-alg") == 0) {
        RUN(socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
        if (ret >= 0)
            close((int)ret);
    } else if (strcmp(name, "socket-inet") == 0) {
        RUN(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (ret >= 0)
            close((int)ret);
    } else if (strcmp(name, "mknod") == 0) {
        unlink("/tmp/probe-null");
        RUN(mknod("/tmp/probe-null", S_IFCHR | 0666, makedev(1, 3)));
        if (ret == 0)
            unlink("/tmp/probe-null");
    } else if (strncmp(name, "nr:", 3) == 0) {
        long nr;
        if (parse_long(name + 3, &nr) != 0) {
            fprintf(stderr, "probe: bad syscall number: %s\n", name + 3);
            return 2;
        }
        RUN(syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L));
    } else {
        fprintf(stderr, "probe: unknown syscall name: %s\n", name);
        return 2;
    }
#undef RUN

    printf("{\"syscall\":");
    j_str(name);
    printf(",\"ret\":%ld,\"errno\":%d,\"errname\":", ret, err);
    j_str(errname(err));
    puts("}");
    return 0;
}

/* ------------------------------------------------------------------ */
/* files                                                                */
/* ------------------------------------------------------------------ */

static int cmd_write(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: probe write PATH [CONTENT]\n");
        return 2;
    }
    const char *content = argc >= 4 ? argv[3] : "probe\n";
    size_t len = strlen(content), off = 0;
    int err = 0;
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        err = errno;
    while (err == 0 && off < len) {
        ssize_t n = write(fd, content + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
        } else
            off += (size_t)n;
    }
    if (fd >= 0 && close(fd) != 0 && err == 0)
        err = errno;
    if (err == 0) {
        puts("{\"ok\":true}");
        return 0;
    }
    printf("{\"ok\":false,\"errno\":%d,\"errname\":", err);
    j_str(errname(err));
    puts("}");
    return 1;
}

static int cmd_read(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: probe read PATH\n");
        return 2;
    }
    int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "%s\n", errname(errno));
        return 1;
    }
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s\n", errname(errno));
            close(fd);
            return 1;
        }
        if (n == 0)
            break;
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
            close(fd);
            return 1;
        }
    }
    close(fd);
    return 0;
}

static int cmd_exists(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: probe exists PATH\n");
        return 2;
    }
    struct stat st;
    puts(lstat(argv[2], &st) == 0 ? "yes" : "no");
    return 0;
}

static int cmd_ls(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: probe ls DIR\n");
        return 2;
    }
    DIR *d = opendir(argv[2]);
    if (d == NULL) {
        fprintf(stderr, "%s\n", errname(errno));
        return 1;
    }
    size_t cap = 64, n = 0;
    char **names = malloc(cap * sizeof *names);
    struct dirent *de;
    while (names != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, cap * 2 * sizeof *names);
            if (nn == NULL)
                break;
            names = nn;
            cap *= 2;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (names == NULL)
        return 1;
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        puts(names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

static int cmd_fds(void)
{
    long *fds = NULL;
    long n = list_numeric("/proc/self/fd", &fds, 1);
    if (n < 0) {
        fprintf(stderr, "%s\n", errname(errno));
        return 1;
    }
    for (long i = 0; i < n; i++)
        printf(i ? " %ld" : "%ld", fds[i]);
    putchar('\n');
    free(fds);
    return 0;
}

/* ------------------------------------------------------------------ */
/* processes and signals                                                */
/* ------------------------------------------------------------------ */

static int parse_signal(const char *s)
{
    long n;
    if (parse_long(s, &n) == 0)
        return (n > 0 && n < NSIG) ? (int)n : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 1; i < NSIG; i++) {
        const char *abbrev = sigabbrev_np(i);
        if (abbrev != NULL && strcasecmp(abbrev, s) == 0)
            return i;
    }
    return -1;
}

static const char *signame(int sig)
{
    static char buf[32];
    const char *a = sigabbrev_np(sig);
    if (a != NULL)
        snprintf(buf, sizeof buf, "SIG%s", a);
    else
        snprintf(buf, sizeof buf, "SIG%d", sig);
    return buf;
}

static int cmd_kill_self(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: probe kill-self SIG\n");
        return 2;
    }
    int sig = parse_signal(argv[2]);
    if (sig < 0) {
        fprintf(stderr, "probe: unknown signal: %s\n", argv[2]);
        return 2;
    }
    fflush(stdout);
    fflush(stderr);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL); /* fails harmlessly for KILL/STOP */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    /* Still here: the signal was ignored (e.g. we are PID 1 of a PID
     * namespace, where the kernel drops default-action signals sent
     * from inside the namespace) or its default action is to ignore. */
    sleep_ms(100);
    fprintf(stderr, "probe: survived %s\n", signame(sig));
    return 4;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static int cmd_signals(int argc, char **argv)
{
    struct timespec timeout = {60, 0};
    if (argc >= 3 && parse_seconds(argv[2], &timeout) != 0) {
        fprintf(stderr, "probe: bad seconds: %s\n", argv[2]);
        return 2;
    }
    static const int sigs[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2};
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&set, sigs[i]);
    /* Block first, then install handlers: a signal arriving at any point
     * stays pending and is picked up by sigtimedwait below. Installing a
     * handler also matters when we are PID 1 (the kernel drops signals
     * whose action is SIG_DFL for a namespace init). */
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);

    puts("ready");
    fflush(stdout);

    struct timespec now, deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout.tv_sec;
    deadline.tv_nsec += timeout.tv_nsec;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        struct timespec left = {deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
        if (left.tv_nsec < 0) {
            left.tv_sec--;
            left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0)
            break;
        int sig = sigtimedwait(&set, NULL, &left);
        if (sig > 0) {
            printf("got %s\n", signame(sig));
            fflush(stdout);
            return 0;
        }
        if (errno == EAGAIN)
            break;
        /* EINTR: some other signal handler ran; keep waiting. */
    }
    fprintf(stderr, "probe: no signal within %s seconds\n", argc >= 3 ? argv[2] : "60");
    return 3;
}

/* State letter of /proc/PID/stat (the field after the last ')'). */
static char proc_state(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    char *s = read_all(path, NULL);
    if (s == NULL)
        return '?';
    char *p = strrchr(s, ')');
    char st = (p != NULL && p[1] == ' ') ? p[2] : '?';
    free(s);
    return st;
}

static int cmd_orphans(int argc, char **argv)
{
    long n = 1;
    if (argc >= 3 && (parse_long(argv[2], &n) != 0 || n < 0 || n > 1000)) {
        fprintf(stderr, "probe: bad count: %s\n", argv[2]);
        return 2;
    }
    /* An inherited SIG_IGN for SIGCHLD would make the kernel auto-reap. */
    signal(SIGCHLD, SIG_DFL);
    fflush(stdout);
    fflush(stderr);
    for (long i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) {
            fprintf(stderr, "probe: fork: %s\n", errname(errno));
            return 1;
        }
        if (c == 0) {
            pid_t g = fork();
            if (g == 0) {
                sleep_ms(100);
                _exit(0);
            }
            _exit(0);
        }
        while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    sleep_ms(600);
    long *pids = NULL;
    long np = list_numeric("/proc", &pids, 0);
    long zombies = 0;
    for (long i = 0; i < np; i++)
        if (proc_state(pids[i]) == 'Z')
            zombies++;
    free(pids);
    printf("{\"zombies\":%ld}\n", zombies);
    return 0;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: probe [SUBCOMMAND [ARGS...]]\n"
          "  report                 one-line JSON describing the process environment (default)\n"
          "  syscall NAME|nr:N      try a syscall, print {\"syscall\",\"ret\",\"errno\",\"errname\"}\n"
          "  write PATH [CONTENT]   {\"ok\":true} or {\"ok\":false,\"errno\":E,\"errname\":N} (exit 1)\n"
          "  read PATH              copy the file to stdout\n"
          "  exists PATH            yes|no (lstat)\n"
          "  ls DIR                 sorted entry names, one per line\n"
          "  exit N                 exit with status N\n"
          "  kill-self SIG          raise SIG with its default action\n"
          "  sleep SECONDS          sleep (fractions allowed)\n"
          "  echo ARGS... / echoerr ARGS...\n"
          "  signals SECONDS        print ready, then 'got SIGxxx' on the first of\n"
          "                         TERM/INT/QUIT/HUP/USR1/USR2 (exit 0), exit 3 on timeout\n"
          "  orphans N              make N orphaned grandchildren, print {\"zombies\":K}\n"
          "  fds                    open fd numbers, space separated\n",
          f);
}

int main(int argc, char **argv)
{
    const char *cmd = argc >= 2 ? argv[1] : "report";

    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc, argv);
    if (strcmp(cmd, "syscall") == 0)
        return cmd_syscall(argc, argv);
    if (strcmp(cmd, "write") == 0)
        return cmd_write(argc, argv);
    if (strcmp(cmd, "read") == 0)
        return cmd_read(argc, argv);
    if (strcmp(cmd, "exists") == 0)
        return cmd_exists(argc, argv);
    if (strcmp(cmd, "ls") == 0)
        return cmd_ls(argc, argv);
    if (strcmp(cmd, "fds") == 0)
        return cmd_fds();
    if (strcmp(cmd, "exit") == 0) {
        long code = 0;
        if (argc >= 3 && parse_long(argv[2], &code) != 0) {
            fprintf(stderr, "probe: bad exit code: %s\n", argv[2]);
            return 2;
        }
        fflush(stdout);
        exit((int)code);
    }
    if (strcmp(cmd, "kill-self") == 0)
        return cmd_kill_self(argc, argv);
    if (strcmp(cmd, "sleep") == 0) {
        struct timespec ts;
        if (argc < 3 || parse_seconds(argv[2], &ts) != 0) {
            fprintf(stderr, "usage: probe sleep SECONDS\n");
            return 2;
        }
        sleep_ts(ts);
        return 0;
    }
    if (strcmp(cmd, "echo") == 0 || strcmp(cmd, "echoerr") == 0) {
        FILE *f = strcmp(cmd, "echo") == 0 ? stdout : stderr;
        for (int i = 2; i < argc; i++) {
            if (i > 2)
                fputc(' ', f);
            fputs(argv[i], f);
        }
        fputc('\n', f);
        return 0;
    }
    if (strcmp(cmd, "signals") == 0)
        return cmd_signals(argc, argv);
    if (strcmp(cmd, "orphans") == 0)
        return cmd_orphans(argc, argv);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "probe: unknown subcommand: %s\n", cmd);
    usage(stderr);
    return 2;
}
