/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-procinfo.h: facts about one process from /proc/PID. libc only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fields of /proc/PID/stat that probe uses. */
typedef struct
{
  int32_t pid;
  char comm[64];            /* raw bytes between the first '(' and the LAST ')' */
  char state;               /* R, S, D, T, t, Z, X, I ... */
  int32_t ppid;
  uint32_t flags;           /* PF_* (PF_KTHREAD = 0x00200000) */
  uint64_t start_time;      /* field 22, clock ticks after boot */
} PsProcStat;

/* Parses the text of /proc/PID/stat.  Returns 0 or -EINVAL. */
int ps_proc_parse_stat (const char *buf,
                        size_t      len,
                        PsProcStat *out);

/* What a process's cgroup says about who manages it. */
typedef struct
{
  char *unit;               /* "nginx.service", "docker-abc.scope"...; NULL when none */
  int user_unit;            /* 1 when the unit is in a user's systemd (user@UID.service) */
  char *container;          /* "docker:0123456789ab", "podman:…", "containerd:…"; NULL */
} PsCgroupInfo;

/* Parses the text of /proc/PID/cgroup (v2 "0::/path" or v1 "N:name=systemd:/path").
 * Fills OUT with heap strings (free with ps_cgroup_info_clear).  Returns 0 or -errno. */
int ps_cgroup_parse (const char   *buf,
                     size_t        len,
                     PsCgroupInfo *out);
void ps_cgroup_info_clear (PsCgroupInfo *info);

/* Everything Portscope shows of a process owner. */
typedef struct
{
  int32_t pid;
  int32_t ppid;
  uint32_t uid;             /* real uid from status */
  uint64_t start_time;      /* clock ticks after boot */
  char state;
  int kernel_thread;
  char comm[64];            /* untrusted bytes, NUL-terminated */
  char *cmdline;            /* untrusted, NUL-separated argv; NULL when unreadable or empty */
  size_t cmdline_len;       /* bytes in cmdline, including the final NUL */
  char *exe;                /* readlink of exe; NULL when unreadable */
  char *cwd;                /* readlink of cwd; NULL when unreadable */
  PsCgroupInfo cgroup;
} PsProcInfo;

/* Reads /proc/PID (PROC_ROOT NULL = "/proc") into OUT (heap fields owned by OUT,
 * free with ps_proc_info_clear).  cmdline is capped at PS_PROC_CMDLINE_MAX bytes.
 * Returns 0 or -errno (-ESRCH/-ENOENT when the process is gone). */
int ps_proc_info_read (const char *proc_root,
                       int32_t     pid,
                       PsProcInfo *out);
void ps_proc_info_clear (PsProcInfo *info);

#define PS_PROC_CMDLINE_MAX (128 * 1024)

/* Reads only the stat of PID.  Returns 0 or -errno. */
int ps_proc_read_stat (const char *proc_root,
                       int32_t     pid,
                       PsProcStat *out);

#ifdef __cplusplus
}
#endif
