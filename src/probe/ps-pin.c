/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-pin.c: pidfd-pinned termination.  libc only.
 *
 * The identity the user saw is (PID, start time, socket inode).  The pidfd is
 * opened first and only then is /proc checked, so a successful check proves
 * the pidfd refers to that process; every later signal goes through the pidfd,
 * which can never reach a process that reuses the PID. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "ps-owners.h"
#include "ps-pin.h"
#include "ps-procinfo.h"

#ifndef __NR_pidfd_open
# define __NR_pidfd_open 434            /* the same number on every architecture */
#endif
#ifndef __NR_pidfd_send_signal
# define __NR_pidfd_send_signal 424
#endif

#define PS_PF_KTHREAD 0x00200000u

int
ps_pidfd_open (int32_t  pid,
               unsigned flags)
{
  return (int) syscall (__NR_pidfd_open, (pid_t) pid, flags);
}

int
ps_pidfd_send_signal (int      pidfd,
                      int      sig,
                      unsigned flags)
{
  return (int) syscall (__NR_pidfd_send_signal, pidfd, sig, (siginfo_t *) NULL, flags);
}

static int
is_kthreadd (const char *proc_root)
{
  PsProcStat st;

  if (ps_proc_read_stat (proc_root, 2, &st) != 0)
    return 0;
  return (st.flags & PS_PF_KTHREAD) != 0;
}

/* Whether the process described by ST may never be signalled. */
static int
stat_is_refused (const char       *proc_root,
                 const PsProcStat *st)
{
  if (st->pid <= 1)
    return 1;
  if (st->pid == (int32_t) getpid () || st->pid == (int32_t) getppid ())
    return 1;
  if (st->flags & PS_PF_KTHREAD)
    return 1;
  /* Children of kthreadd are kernel threads.  Inside a PID namespace PID 2 may
   * be an ordinary process, so only trust ppid 2 when PID 2 is kthreadd. */
  if (st->ppid == 2 && is_kthreadd (proc_root))
    return 1;
  return 0;
}

static int
is_gone_errno (int err)
{
  return err == -ENOENT || err == -ESRCH;
}

int
ps_pin_check_target (const char *proc_root,
                     int32_t     pid)
{
  PsProcStat st;
  int r;

  if (pid <= 1 || pid == (int32_t) getpid () || pid == (int32_t) getppid ())
    return PS_PIN_REFUSED;
  r = ps_proc_read_stat (proc_root, pid, &st);
  if (r < 0)
    return r;
  return stat_is_refused (proc_root, &st) ? PS_PIN_REFUSED : PS_PIN_OK;
}

int
ps_pin_open (PsPin      *pin,
             const char *proc_root,
             int32_t     pid,
             uint64_t    start_time,
             uint64_t    inode)
{
  PsProcStat st;
  int fd;
  int r;

  if (pin == NULL)
    return -EINVAL;
  pin->pidfd = -1;
  pin->pid = pid;
  pin->start_time = start_time;
  pin->inode = inode;

  if (pid <= 1 || pid == (int32_t) getpid () || pid == (int32_t) getppid ())
    return PS_PIN_REFUSED;

  /* The pidfd first: what we verify next is then what it refers to. */
  fd = ps_pidfd_open (pid, 0);
  if (fd < 0)
    {
      if (errno == ESRCH)
        return PS_PIN_GONE;
      if (errno != ENOSYS)
        return -errno;
      fd = -1;              /* no pidfd: the kill() fallback in ps_pin_signal */
    }

  r = ps_proc_read_stat (proc_root, pid, &st);
  if (r < 0)
    {
      r = is_gone_errno (r) ? PS_PIN_GONE : r;
      goto fail;
    }
  if (st.start_time != start_time || st.state == 'Z' || st.state == 'X')
    {
      r = PS_PIN_GONE;
      goto fail;
    }
  if (stat_is_refused (proc_root, &st))
    {
      r = PS_PIN_REFUSED;
      goto fail;
    }
  if (inode != 0)
    {
      r = ps_owner_pid_holds_inode (proc_root, pid, inode);
      if (r == 0)
        {
          r = PS_PIN_NO_LONGER_HOLDS;
          goto fail;
        }
      if (is_gone_errno (r))
        {
          r = PS_PIN_GONE;
          goto fail;
        }
      /* -EACCES/-EPERM: not ours to read; ps_pin_signal will refuse to send
       * and the privileged helper checks again.  Other errors fail. */
      if (r < 0 && r != -EACCES && r != -EPERM)
        goto fail;
    }

  pin->pidfd = fd;
  return PS_PIN_OK;

fail:
  if (fd >= 0)
    close (fd);
  return r;
}

static int
pidfd_readable (int pidfd)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;

  do
    r = poll (&p, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return -errno;
  return r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

/* Sends SIG to the pinned process: through the pidfd, or with kill() when
 * there is none.  Returns PS_PIN_OK, PS_PIN_GONE or -errno. */
static int
send_one (const PsPin *pin,
          int          sig)
{
  int r;

  if (pin->pidfd >= 0)
    r = ps_pidfd_send_signal (pin->pidfd, sig, 0);
  else
    r = kill ((pid_t) pin->pid, sig);
  if (r == 0)
    return PS_PIN_OK;
  if (errno == ESRCH)
    return PS_PIN_GONE;
  return -errno;
}

int
ps_pin_signal (const PsPin *pin,
               const char  *proc_root,
               int          sig)
{
  PsProcStat st;
  int stopped;
  int r;

  if (pin == NULL)
    return -EINVAL;
  if (sig != SIGTERM && sig != SIGKILL && sig != SIGCONT)
    return -EINVAL;
  if (pin->pid <= 1 || pin->pid == (int32_t) getpid () || pin->pid == (int32_t) getppid ())
    return PS_PIN_REFUSED;

  if (pin->pidfd >= 0)
    {
      r = pidfd_readable (pin->pidfd);
      if (r < 0)
        return r;
      if (r > 0)
        return PS_PIN_GONE;
    }

  r = ps_proc_read_stat (proc_root, pin->pid, &st);
  if (r < 0)
    return is_gone_errno (r) ? PS_PIN_GONE : r;
  /* With a pidfd a different start time means the pinned process was reaped
   * between the poll and this read; without one it means the PID was reused. */
  if (st.start_time != pin->start_time || st.state == 'Z' || st.state == 'X')
    return PS_PIN_GONE;
  if (stat_is_refused (proc_root, &st))
    return PS_PIN_REFUSED;
  stopped = st.state == 'T' || st.state == 't';

  if (pin->inode != 0)
    {
      r = ps_owner_pid_holds_inode (proc_root, pin->pid, pin->inode);
      if (r == 0)
        return PS_PIN_NO_LONGER_HOLDS;
      if (is_gone_errno (r))
        return PS_PIN_GONE;
      /* Never signal what we could not verify. */
      if (r == -EACCES)
        return -EPERM;
      if (r < 0)
        return r;
    }

  if (pin->pidfd < 0)
    {
      /* Fallback without pidfd: re-read the start time as late as possible.
       * A PID reused between this read and kill() would still be hit; the
       * window is a few microseconds instead of the whole dialog. */
      r = ps_proc_read_stat (proc_root, pin->pid, &st);
      if (r < 0)
        return is_gone_errno (r) ? PS_PIN_GONE : r;
      if (st.start_time != pin->start_time)
        return PS_PIN_GONE;
    }

  r = send_one (pin, sig);
  if (r != PS_PIN_OK)
    return r;

  /* A stopped process cannot act on SIGTERM until it is continued.  The
   * SIGTERM is already pending, so it is handled as soon as it runs. */
  if (sig == SIGTERM && stopped)
    {
      r = send_one (pin, SIGCONT);
      if (r == PS_PIN_GONE)
        r = PS_PIN_OK;      /* it exited already: the SIGTERM did its job */
    }
  return r;
}

int
ps_pin_has_exited (const PsPin *pin)
{
  PsProcStat st;

  if (pin == NULL)
    return 1;
  if (pin->pidfd >= 0)
    return pidfd_readable (pin->pidfd) > 0;   /* an error is not an exit */
  if (ps_proc_read_stat (NULL, pin->pid, &st) != 0)
    return 1;
  return st.start_time != pin->start_time || st.state == 'Z' || st.state == 'X';
}

void
ps_pin_close (PsPin *pin)
{
  if (pin == NULL)
    return;
  if (pin->pidfd >= 0)
    close (pin->pidfd);
  pin->pidfd = -1;
}
