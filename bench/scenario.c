/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scenario: the benchmark load generator.
 *
 * Starts P listener processes holding S listening sockets each (TCP 80 %,
 * UDP 20 %, alternating 127.0.0.1 and ::1, port 0) and B background processes
 * holding F ordinary file descriptors each (/dev/null and pipes).  Every child
 * is recorded with its PID, start time and a pidfd; on exit (end of --timeout,
 * SIGINT, SIGTERM, SIGHUP) exactly those children are ended and reaped.  The
 * children also die with the generator (PR_SET_PDEATHSIG).
 *
 * The churn scenario replaces --churn-sockets sockets per second (one socket
 * of a random listener is closed and a new one bound) and starts
 * --churn-procs new listener processes per second, each holding 2 sockets and
 * living --churn-lifetime-ms (10 s by default).
 *
 * Prints "ready" on stdout once every initial socket is bound and every fd
 * is open.  Plain C and libc: it must not depend on what it measures. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/wait.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#define CHURN_PROC_SOCKETS 2
#define CHURN_PROC_LIFETIME_MS 10000
#define CHURN_TICK_MS 10
#define STOP_GRACE_MS 3000
#define READY_TIMEOUT_MS 120000

typedef enum
{
  ROLE_LISTENER,
  ROLE_BACKGROUND,
  ROLE_CHURN,
} Role;

static const char *const role_names[] = { "listener", "background", "churn" };

typedef struct
{
  pid_t pid;
  unsigned long long start_time;  /* clock ticks since boot, /proc/PID/stat field 22 */
  int pidfd;                       /* -1 when pidfd_open is unavailable */
  int ctl;                         /* our end of the control socketpair, -1 once closed */
  Role role;
  int ready;
  int reaped;
  long long born_ms;
} Child;

typedef struct
{
  const char *name;
  unsigned listeners;
  unsigned sockets;
  unsigned background;
  unsigned fds;
  unsigned churn_sockets;  /* per second */
  unsigned churn_procs;    /* per second */
} Scenario;

static const Scenario scenarios[] = {
  { "small", 20, 5, 200, 500, 0, 0 },
  { "medium", 200, 10, 200, 500, 0, 0 },
  { "large", 500, 40, 200, 500, 0, 0 },
  { "churn", 500, 40, 200, 500, 100, 5 },
};

static Child *children;
static size_t n_children;
static size_t children_cap;
static FILE *pids_file;
static pid_t generator_pid;

static void
die (const char *format,
     ...)
{
  va_list args;

  fputs ("scenario: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static long long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads field 22 of /proc/PID/stat.  Returns 0 or -errno. */
static int
read_start_time (pid_t               pid,
                 unsigned long long *start_time)
{
  char path[64], buf[1024];
  const char *p;
  ssize_t n;
  int fd, field;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return n < 0 ? -errno : -EIO;
  buf[n] = '\0';
  /* The name may hold spaces and parentheses: fields start after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL)
    return -EIO;
  p++;
  for (field = 2; field < 22 && *p != '\0'; p++)
    if (*p == ' ')
      field++;
  if (field != 22)
    return -EIO;
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

static void
raise_nofile (rlim_t need)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) < 0)
    die ("getrlimit: %s", strerror (errno));
  if (rl.rlim_cur >= need)
    return;
  if (rl.rlim_max < need)
    rl.rlim_max = need;  /* works as root (up to fs.nr_open) */
  rl.rlim_cur = need;
  if (setrlimit (RLIMIT_NOFILE, &rl) < 0)
    {
      getrlimit (RLIMIT_NOFILE, &rl);
      die ("cannot raise RLIMIT_NOFILE to %llu (hard limit %llu): %s",
           (unsigned long long) need, (unsigned long long) rl.rlim_max, strerror (errno));
    }
}

/* ---- children ---------------------------------------------------------- */

/* Common start of every child: die with the generator, default signals,
 * nothing inherited but stderr and the control socket (moved to fd 3). */
static void
child_setup (int         ctl,
             const char *comm)
{
  sigset_t none;
  int devnull;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != generator_pid)
    _exit (1);  /* the generator is already gone */
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  prctl (PR_SET_NAME, comm);

  if (ctl != 3)
    {
      if (dup2 (ctl, 3) < 0)
        _exit (1);
    }
  devnull = open ("/dev/null", O_RDWR);
  if (devnull < 0)
    _exit (1);
  dup2 (devnull, 0);
  dup2 (devnull, 1);
  if (syscall (SYS_close_range, 4U, ~0U, 0U) < 0)
    {
      struct rlimit rl;

      getrlimit (RLIMIT_NOFILE, &rl);
      for (rlim_t fd = 4; fd < rl.rlim_cur; fd++)
        close ((int) fd);
    }
}

static int
open_listener (int      tcp,
               int      ipv6)
{
  int fd, one = 1;

  fd = socket (ipv6 ? AF_INET6 : AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  if (ipv6)
    {
      struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        goto fail;
    }
  else
    {
      struct sockaddr_in sa = { .sin_family = AF_INET };

      sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        goto fail;
    }
  if (tcp && listen (fd, 16) < 0)
    goto fail;
  return fd;

fail:
  {
    int saved = errno;

    close (fd);
    return -saved;
  }
}

/* Socket number I of a listener: 4 of 5 are TCP, families alternate. */
static int
open_listener_nth (unsigned i)
{
  return open_listener (i % 5 != 4, i % 2 == 1);
}

/* A listener: binds N sockets, reports ready, then replaces one socket per
 * 'r' received on the control socket; exits on EOF. */
static void __attribute__((noreturn))
run_listener (unsigned n,
              unsigned seed)
{
  int *fds = calloc (n, sizeof *fds);

  if (fds == NULL)
    _exit (1);
  for (unsigned i = 0; i < n; i++)
    {
      fds[i] = open_listener_nth (i);
      if (fds[i] < 0)
        {
          fprintf (stderr, "scenario: listener %d: socket %u: %s\n",
                   (int) getpid (), i, strerror (-fds[i]));
          _exit (1);
        }
    }
  if (write (3, "k", 1) != 1)
    _exit (1);

  for (;;)
    {
      char cmd[64];
      ssize_t r = read (3, cmd, sizeof cmd);

      if (r == 0)
        _exit (0);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (1);
        }
      for (ssize_t k = 0; k < r; k++)
        {
          unsigned victim;
          int fd;

          if (cmd[k] != 'r' || n == 0)
            continue;
          seed = seed * 1103515245u + 12345u;
          victim = (seed >> 16) % n;
          close (fds[victim]);
          /* Keep the victim's protocol and family. */
          fd = open_listener (victim % 5 != 4, victim % 2 == 1);
          if (fd < 0)
            {
              fprintf (stderr, "scenario: listener %d: replace: %s\n",
                       (int) getpid (), strerror (-fd));
              _exit (1);
            }
          fds[victim] = fd;
        }
    }
}

/* A background process: F ordinary fds (about a third pipe ends, the rest
 * /dev/null), reports ready, waits for EOF. */
static void __attribute__((noreturn))
run_background (unsigned n)
{
  struct rlimit rl;
  unsigned opened = 0;
  int null_fd;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) n + 64)
    {
      rl.rlim_cur = (rlim_t) n + 64;
      if (rl.rlim_max < rl.rlim_cur)
        rl.rlim_max = rl.rlim_cur;
      if (setrlimit (RLIMIT_NOFILE, &rl) < 0)
        _exit (1);
    }

  null_fd = open ("/dev/null", O_RDONLY);
  if (null_fd < 0)
    _exit (1);
  opened = 1;
  while (opened < n)
    {
      if (opened % 3 == 0 && opened + 2 <= n)
        {
          int p[2];

          if (pipe (p) < 0)
            _exit (1);
          opened += 2;
        }
      else
        {
          if (dup (null_fd) < 0)
            _exit (1);
          opened++;
        }
    }
  if (write (3, "k", 1) != 1)
    _exit (1);
  for (;;)
    {
      char c;
      ssize_t r = read (3, &c, 1);

      if (r == 0)
        _exit (0);
      if (r < 0 && errno != EINTR)
        _exit (1);
    }
}

/* ---- the generator ------------------------------------------------------ */

static Child *
spawn (Role     role,
       unsigned count)
{
  static unsigned seed = 1;
  Child *child;
  int sv[2];
  pid_t pid;

  if (n_children == children_cap)
    {
      children_cap = children_cap ? children_cap * 2 : 1024;
      children = realloc (children, children_cap * sizeof *children);
      if (children == NULL)
        die ("out of memory");
    }

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    die ("socketpair: %s", strerror (errno));
  seed++;
  pid = fork ();
  if (pid < 0)
    die ("fork: %s", strerror (errno));
  if (pid == 0)
    {
      int ctl = sv[1];

      close (sv[0]);
      switch (role)
        {
        case ROLE_LISTENER:
          child_setup (ctl, "ps-bench-lsn");
          run_listener (count, seed * 2654435761u);
        case ROLE_CHURN:
          child_setup (ctl, "ps-bench-churn");
          run_listener (count, seed * 2654435761u);
        case ROLE_BACKGROUND:
        default:
          child_setup (ctl, "ps-bench-bg");
          run_background (count);
        }
    }

  close (sv[1]);
  child = &children[n_children++];
  memset (child, 0, sizeof *child);
  child->pid = pid;
  child->role = role;
  child->ctl = sv[0];
  child->born_ms = now_ms ();
  child->pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  /* We are the parent and have not reaped it: the PID cannot be reused yet,
   * so this start time is the child's own. */
  if (read_start_time (pid, &child->start_time) < 0)
    die ("cannot read the start time of child %d", (int) pid);
  if (pids_file != NULL)
    {
      fprintf (pids_file, "%d %llu %s\n", (int) pid, child->start_time, role_names[role]);
      fflush (pids_file);
    }
  return child;
}

/* Sends SIG to CHILD: by pidfd, or by PID after verifying its start time. */
static void
signal_child (Child *child,
              int    sig)
{
  unsigned long long start_time;

  if (child->reaped)
    return;
  if (child->pidfd >= 0)
    {
      if (syscall (SYS_pidfd_send_signal, child->pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
        fprintf (stderr, "scenario: pidfd_send_signal %d: %s\n", (int) child->pid, strerror (errno));
      return;
    }
  if (read_start_time (child->pid, &start_time) == 0 && start_time == child->start_time)
    kill (child->pid, sig);
}

/* Reaps CHILD if it has exited.  Returns 1 when reaped. */
static int
try_reap (Child *child,
          int    block)
{
  pid_t r;

  if (child->reaped)
    return 1;
  do
    r = waitpid (child->pid, NULL, block ? 0 : WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == child->pid || (r < 0 && errno == ECHILD))
    {
      child->reaped = 1;
      if (child->pidfd >= 0)
        close (child->pidfd);
      if (child->ctl >= 0)
        close (child->ctl);
      child->pidfd = -1;
      child->ctl = -1;
      return 1;
    }
  return 0;
}

/* Ends every child we started: SIGTERM, then SIGKILL after a grace period,
 * and reaps each one.  Returns the number that needed SIGKILL. */
static unsigned
stop_all (void)
{
  long long deadline = now_ms () + STOP_GRACE_MS;
  unsigned killed = 0;
  size_t left;

  for (size_t i = 0; i < n_children; i++)
    signal_child (&children[i], SIGTERM);

  do
    {
      left = 0;
      for (size_t i = 0; i < n_children; i++)
        if (!try_reap (&children[i], 0))
          left++;
      if (left > 0)
        {
          struct timespec ts = { 0, 5 * 1000 * 1000 };

          nanosleep (&ts, NULL);
        }
    }
  while (left > 0 && now_ms () < deadline);

  for (size_t i = 0; i < n_children; i++)
    if (!children[i].reaped)
      {
        signal_child (&children[i], SIGKILL);
        try_reap (&children[i], 1);
        killed++;
      }
  return killed;
}

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: scenario [OPTION...] [small|medium|large|churn]\n"
           "  -P, --listeners N      listener processes\n"
           "  -S, --sockets N        listening sockets per listener\n"
           "  -B, --background N     background processes\n"
           "  -F, --fds N            ordinary fds per background process\n"
           "      --churn-sockets N  sockets replaced per second\n"
           "      --churn-procs N    new listener processes per second (%d sockets each)\n"
           "      --churn-lifetime-ms N  how long each of those lives (default %d)\n"
           "      --pids-file FILE   append \"PID STARTTIME ROLE\" for every child started\n"
           "      --timeout SECONDS  end everything after this long (default: never)\n"
           "Prints \"ready\" when every socket is bound; ends its children on exit,\n"
           "SIGINT, SIGTERM or SIGHUP.\n",
           CHURN_PROC_SOCKETS, CHURN_PROC_LIFETIME_MS);
}

static unsigned
parse_count (const char *text,
             const char *what)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v > 1000000)
    die ("bad %s: %s", what, text);
  return (unsigned) v;
}

int
main (int   argc,
      char *argv[])
{
  enum { OPT_CHURN_SOCKETS = 256, OPT_CHURN_PROCS, OPT_CHURN_LIFETIME, OPT_PIDS_FILE, OPT_TIMEOUT };
  static const struct option options[] = {
    { "listeners", required_argument, NULL, 'P' },
    { "sockets", required_argument, NULL, 'S' },
    { "background", required_argument, NULL, 'B' },
    { "fds", required_argument, NULL, 'F' },
    { "churn-sockets", required_argument, NULL, OPT_CHURN_SOCKETS },
    { "churn-procs", required_argument, NULL, OPT_CHURN_PROCS },
    { "churn-lifetime-ms", required_argument, NULL, OPT_CHURN_LIFETIME },
    { "pids-file", required_argument, NULL, OPT_PIDS_FILE },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  Scenario sc = { "custom", 0, 0, 0, 0, 0, 0 };
  Scenario over = { NULL, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u };
  const char *pids_path = NULL;
  unsigned timeout_s = 0;
  unsigned lifetime_ms = CHURN_PROC_LIFETIME_MS;
  sigset_t mask;
  int sfd, tfd = -1, opt, status = 0;
  size_t n_initial, n_ready = 0;
  long long deadline;
  unsigned replaced = 0, spawned = 0, retired = 0, killed;
  long long churn_start = 0;
  struct pollfd *pfds;

  generator_pid = getpid ();
  while ((opt = getopt_long (argc, argv, "P:S:B:F:h", options, NULL)) != -1)
    {
      switch (opt)
        {
        case 'P': over.listeners = parse_count (optarg, "listeners"); break;
        case 'S': over.sockets = parse_count (optarg, "sockets"); break;
        case 'B': over.background = parse_count (optarg, "background"); break;
        case 'F': over.fds = parse_count (optarg, "fds"); break;
        case OPT_CHURN_SOCKETS: over.churn_sockets = parse_count (optarg, "churn-sockets"); break;
        case OPT_CHURN_PROCS: over.churn_procs = parse_count (optarg, "churn-procs"); break;
        case OPT_CHURN_LIFETIME: lifetime_ms = parse_count (optarg, "churn-lifetime-ms"); break;
        case OPT_PIDS_FILE: pids_path = optarg; break;
        case OPT_TIMEOUT: timeout_s = parse_count (optarg, "timeout"); break;
        case 'h': usage (stdout); return 0;
        default: usage (stderr); return 2;
        }
    }
  if (optind < argc)
    {
      size_t i;

      for (i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp (argv[optind], scenarios[i].name) == 0)
          break;
      if (i == sizeof scenarios / sizeof scenarios[0] || optind + 1 < argc)
        {
          usage (stderr);
          return 2;
        }
      sc = scenarios[i];
    }
#define OVERRIDE(f) if (over.f != ~0u) sc.f = over.f
  OVERRIDE (listeners);
  OVERRIDE (sockets);
  OVERRIDE (background);
  OVERRIDE (fds);
  OVERRIDE (churn_sockets);
  OVERRIDE (churn_procs);
#undef OVERRIDE
  if (sc.churn_sockets > 0 && (sc.listeners == 0 || sc.sockets == 0))
    die ("--churn-sockets needs listeners with sockets");
  if (sc.churn_sockets > 1000 / CHURN_TICK_MS * 16 || sc.churn_procs > 100)
    die ("churn rates too high");

  if (pids_path != NULL)
    {
      pids_file = fopen (pids_path, "we");
      if (pids_file == NULL)
        die ("%s: %s", pids_path, strerror (errno));
    }

  /* Two fds per child (pidfd, control) plus the churn processes alive at once. */
  raise_nofile (2 * ((rlim_t) sc.listeners + sc.background +
                     (rlim_t) sc.churn_procs * (lifetime_ms / 1000 + 2)) + 256);

  /* Signals arrive through a signalfd; children reset the mask. */
  sigemptyset (&mask);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGHUP);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  signal (SIGPIPE, SIG_IGN);
  sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  if (sfd < 0)
    die ("signalfd: %s", strerror (errno));

  for (unsigned i = 0; i < sc.background; i++)
    spawn (ROLE_BACKGROUND, sc.fds);
  for (unsigned i = 0; i < sc.listeners; i++)
    spawn (ROLE_LISTENER, sc.sockets);
  n_initial = n_children;

  /* Wait for every child's "k" (or a signal, or a child's death). */
  deadline = now_ms () + READY_TIMEOUT_MS;
  pfds = calloc (n_initial + 1, sizeof *pfds);
  if (pfds == NULL)
    die ("out of memory");
  while (n_ready < n_initial)
    {
      size_t n = 0;
      int r;

      pfds[n++] = (struct pollfd) { .fd = sfd, .events = POLLIN };
      for (size_t i = 0; i < n_initial; i++)
        pfds[n++] = (struct pollfd) { .fd = children[i].ready ? -1 : children[i].ctl, .events = POLLIN };
      r = poll (pfds, n, (int) (deadline - now_ms () > 0 ? deadline - now_ms () : 0));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          fprintf (stderr, "scenario: %zu of %zu children not ready in time\n",
                   n_initial - n_ready, n_initial);
          status = 1;
          goto out;
        }
      if (pfds[0].revents)
        goto out;
      for (size_t i = 0; i < n_initial; i++)
        {
          char c;

          if (!pfds[i + 1].revents)
            continue;
          if (read (children[i].ctl, &c, 1) != 1)
            {
              fprintf (stderr, "scenario: child %d (%s) died before it was ready\n",
                       (int) children[i].pid, role_names[children[i].role]);
              status = 1;
              goto out;
            }
          children[i].ready = 1;
          n_ready++;
        }
    }
  free (pfds);
  pfds = NULL;

  fprintf (stderr, "scenario: %s: %u listeners x %u sockets, %u background x %u fds, "
           "churn %u sockets/s + %u processes/s\n",
           sc.name, sc.listeners, sc.sockets, sc.background, sc.fds,
           sc.churn_sockets, sc.churn_procs);
  printf ("ready\n");
  fflush (stdout);

  if (sc.churn_sockets > 0 || sc.churn_procs > 0)
    {
      struct itimerspec its = { { 0, CHURN_TICK_MS * 1000000L }, { 0, CHURN_TICK_MS * 1000000L } };

      tfd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC);
      if (tfd < 0 || timerfd_settime (tfd, 0, &its, NULL) < 0)
        die ("timerfd: %s", strerror (errno));
      churn_start = now_ms ();
    }

  deadline = timeout_s > 0 ? now_ms () + (long long) timeout_s * 1000 : -1;
  for (;;)
    {
      struct pollfd pf[2] = { { .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN } };
      long long now = now_ms ();
      int wait = -1, r;

      if (deadline >= 0)
        {
          if (now >= deadline)
            break;
          wait = (int) (deadline - now);
        }
      r = poll (pf, 2, wait);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        die ("poll: %s", strerror (errno));
      if (pf[0].revents)
        break;
      if (pf[1].revents)
        {
          uint64_t ticks;
          long long elapsed;
          unsigned want;

          if (read (tfd, &ticks, sizeof ticks) != sizeof ticks)
            continue;
          now = now_ms ();
          elapsed = now - churn_start;

          /* Socket replacements due so far, spread over the original listeners. */
          want = (unsigned) (elapsed * sc.churn_sockets / 1000);
          while (replaced < want)
            {
              Child *c = &children[sc.background + (replaced * 7919u) % sc.listeners];

              if (!c->reaped && write (c->ctl, "r", 1) != 1)
                fprintf (stderr, "scenario: listener %d gone\n", (int) c->pid);
              replaced++;
            }

          /* New listener processes due so far. */
          want = (unsigned) (elapsed * sc.churn_procs / 1000);
          while (spawned < want)
            {
              spawn (ROLE_CHURN, CHURN_PROC_SOCKETS);
              spawned++;
            }

          /* Retire churn processes past their lifetime; reap the ones that ended. */
          for (size_t i = n_initial; i < n_children; i++)
            {
              Child *c = &children[i];

              if (c->reaped)
                continue;
              if (now - c->born_ms >= (long long) lifetime_ms && c->ctl >= 0)
                {
                  signal_child (c, SIGTERM);
                  close (c->ctl);
                  c->ctl = -1;
                  retired++;
                }
              if (c->ctl < 0)
                try_reap (c, 0);
            }
          /* Compact reaped churn records so the array stays small. */
          {
            size_t w = n_initial;

            for (size_t i = n_initial; i < n_children; i++)
              if (!children[i].reaped)
                children[w++] = children[i];
            n_children = w;
          }
        }
    }

out:
  free (pfds);
  killed = stop_all ();
  if (tfd >= 0)
    fprintf (stderr, "scenario: churn: %u sockets replaced, %u processes started, %u retired\n",
             replaced, spawned, retired);
  if (killed > 0)
    fprintf (stderr, "scenario: %u children needed SIGKILL\n", killed);
  if (pids_file != NULL)
    fclose (pids_file);
  return status;
}
