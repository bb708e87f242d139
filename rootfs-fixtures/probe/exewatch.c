/*
 * exewatch - runs inside a berth container and watches what the processes that
 * appear in its PID namespace expose: the CVE-2019-5736 class, where a process
 * entering a container still runs the runtime's host binary and the container
 * opens that binary through /proc/PID/exe.
 *
 * Build: gcc -std=c11 -static -O2 -Wall -Wextra -o exewatch exewatch.c
 *
 * Usage: exewatch [INTERVAL_US]   (default 200; runs until SIGTERM or SIGINT)
 *
 * Every INTERVAL_US it lists /proc and, for each process other than itself:
 *  - opens /proc/PID/exe with O_PATH; when the target differs from the last one
 *    seen for that process, prints
 *        exe pid=P kind=K target=T
 *    K is "container" (T, looked up in this container, is the very file the
 *    descriptor holds), "memfd" (T starts with /memfd:) or "foreign" (a file
 *    that is not this container's: the host's, or another container's; the
 *    caller tells them apart by T). A refused open is counted as denied.
 *  - keeps the descriptor of a process's first "memfd" or "foreign" target and,
 *    if that target was a memfd or the process went on to exec something else
 *    (so it was a runtime's process on its way in), reopens /proc/self/fd/N
 *    with O_WRONLY|O_NONBLOCK once the process has exited, and prints
 *        reopen pid=P kind=K result=R
 *    R is the errno name (ETXTBSY, EACCES, ...) or "writable-sealed" /
 *    "writable-unsealed" (whether F_SEAL_WRITE holds). The descriptor is closed
 *    at once: exewatch NEVER writes a byte to anything it opens this way. (The
 *    files of a neighbour's ordinary processes are not reopened: on overlayfs a
 *    writable open alone copies the file up into that container's layer.)
 *  - reads CapEff from /proc/PID/status and, the first time a process holds
 *    capabilities exewatch lacks, prints
 *        caps pid=P capeff=HEX beyond=HEX
 *    (with CAP_SYS_PTRACE, such a process could be attached to and used).
 * Once a second, and at exit:
 *        tick scans=N processes=N denied=N exe=N foreign=N memfd=N caps=N
 * Output is line-buffered.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#endif
#ifndef F_SEAL_WRITE
#define F_SEAL_WRITE 0x0008
#endif

#define MAX_TRACKED 4096

struct tracked {
    int pid;
    unsigned long long start; /* field 22 of /proc/PID/stat: tells a reused pid apart */
    char target[512];         /* last exe target printed */
    int held_fd;              /* O_PATH descriptor kept for the reopen, or -1 */
    char held_kind[16];
    int held_exec_followed; /* the process exec'd something else after the held target */
    int caps_reported;
    int denied_counted;
    int live; /* seen in the current scan */
};

static struct tracked table[MAX_TRACKED];
static int table_count;
static volatile sig_atomic_t stop_requested;
static unsigned long long scans, processes, denied, exes, foreigns, memfds, caps_beyond;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static const char *errname(int e)
{
    const char *n = strerrorname_np(e);
    static char buf[32];
    if (n != NULL)
        return n;
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}

static unsigned long long start_time(int pid)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 0;
    text[n] = 0;
    char *p = strrchr(text, ')');
    if (p == NULL)
        return 0;
    /* after ") " come fields 3..; field 22 is the 20th of them */
    int field = 2;
    for (p++; *p && field < 22; p++)
        if (*p == ' ')
            field++;
    return strtoull(p, NULL, 10);
}

static int cap_eff(int pid, unsigned long long *out)
{
    char path[64], text[4096];
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/status");
    else
        snprintf(path, sizeof path, "/proc/%d/status", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    char *p = strstr(text, "\nCapEff:");
    if (p == NULL)
        return -1;
    *out = strtoull(p + 8, NULL, 16);
    return 0;
}

static struct tracked *lookup(int pid, unsigned long long start)
{
    for (int i = 0; i < table_count; i++)
        if (table[i].pid == pid && table[i].start == start)
            return &table[i];
    if (table_count == MAX_TRACKED) {
        /* forget entries of processes that are gone and hold nothing */
        int j = 0;
        for (int i = 0; i < table_count; i++)
            if (table[i].live || table[i].held_fd >= 0)
                table[j++] = table[i];
        table_count = j;
        if (table_count == MAX_TRACKED)
            return NULL;
    }
    struct tracked *t = &table[table_count++];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->start = start;
    t->held_fd = -1;
    processes++;
    return t;
}

static const char *classify(int fd, const char *target)
{
    if (strncmp(target, "/memfd:", 7) == 0)
        return "memfd";
    struct stat held, named;
    if (fstat(fd, &held) == 0 && stat(target, &named) == 0 && held.st_dev == named.st_dev &&
        held.st_ino == named.st_ino)
        return "container";
    return "foreign";
}

static void look_at(int pid, unsigned long long own_caps)
{
    unsigned long long start = start_time(pid);
    if (start == 0)
        return;
    struct tracked *t = lookup(pid, start);
    if (t == NULL)
        return;
    t->live = 1;

    unsigned long long caps;
    if (!t->caps_reported && cap_eff(pid, &caps) == 0 && (caps & ~own_caps) != 0) {
        t->caps_reported = 1;
        caps_beyond++;
        printf("caps pid=%d capeff=%016llx beyond=%016llx\n", pid, caps, caps & ~own_caps);
    }

    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if ((errno == EACCES || errno == EPERM) && !t->denied_counted) {
            t->denied_counted = 1;
            denied++;
        }
        return;
    }
    char self[64], target[512];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(self, target, sizeof target - 1);
    if (n < 0 || start_time(pid) != start) {
        close(fd);
        return;
    }
    target[n] = 0;
    if (strcmp(target, t->target) == 0) {
        close(fd);
        return;
    }
    if (t->target[0] != 0 && t->held_fd >= 0)
        t->held_exec_followed = 1;
    snprintf(t->target, sizeof t->target, "%s", target);
    const char *kind = classify(fd, target);
    exes++;
    if (strcmp(kind, "foreign") == 0)
        foreigns++;
    if (strcmp(kind, "memfd") == 0)
        memfds++;
    printf("exe pid=%d kind=%s target=%s\n", pid, kind, target);
    if (strcmp(kind, "container") != 0 && t->held_fd < 0) {
        t->held_fd = fd;
        snprintf(t->held_kind, sizeof t->held_kind, "%s", kind);
    } else {
        close(fd);
    }
}

/* The process behind a held descriptor is gone: may its file be opened for writing now? */
static void try_reopen(struct tracked *t)
{
    if (strcmp(t->held_kind, "memfd") != 0 && !t->held_exec_followed) {
        close(t->held_fd);
        t->held_fd = -1;
        return;
    }
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", t->held_fd);
    int w = open(self, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (w < 0) {
        printf("reopen pid=%d kind=%s result=%s\n", t->pid, t->held_kind, errname(errno));
    } else {
        int seals = fcntl(w, F_GET_SEALS);
        close(w); /* never written to */
        printf("reopen pid=%d kind=%s result=%s\n", t->pid, t->held_kind,
               seals >= 0 && (seals & F_SEAL_WRITE) ? "writable-sealed" : "writable-unsealed");
    }
    close(t->held_fd);
    t->held_fd = -1;
}

static void tick(void)
{
    printf("tick scans=%llu processes=%llu denied=%llu exe=%llu foreign=%llu memfd=%llu caps=%llu\n", scans,
           processes, denied, exes, foreigns, memfds, caps_beyond);
}

int main(int argc, char **argv)
{
    long interval_us = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    if (interval_us <= 0)
        interval_us = 200;
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    unsigned long long own_caps = 0;
    if (cap_eff(0, &own_caps) != 0) {
        fprintf(stderr, "exewatch: cannot read CapEff\n");
        return 1;
    }
    int me = getpid();
    printf("start pid=%d capeff=%016llx interval_us=%ld\n", me, own_caps, interval_us);
    struct timespec last, now, pause = {0, interval_us * 1000};
    clock_gettime(CLOCK_MONOTONIC, &last);
    while (!stop_requested) {
        for (int i = 0; i < table_count; i++)
            table[i].live = 0;
        DIR *proc = opendir("/proc");
        if (proc == NULL) {
            fprintf(stderr, "exewatch: opendir /proc: %s\n", errname(errno));
            return 1;
        }
        struct dirent *entry;
        while ((entry = readdir(proc)) != NULL) {
            char *end;
            long pid = strtol(entry->d_name, &end, 10);
            if (*end != 0 || pid <= 0 || pid == me)
                continue;
            look_at((int)pid, own_caps);
        }
        closedir(proc);
        scans++;
        for (int i = 0; i < table_count; i++)
            if (!table[i].live && table[i].held_fd >= 0)
                try_reopen(&table[i]);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > last.tv_sec) {
            tick();
            last = now;
        }
        nanosleep(&pause, NULL);
    }
    tick();
    return 0;
}
