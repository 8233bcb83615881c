/* fovea — the "cpu" backend's persistent worker pool (see thread_pool.h).
 *
 * The job is announced by one 64-bit ticket: generation (32 bits) | task count (16) |
 * next unclaimed task (16). A thread claims a task with a compare-and-swap on the ticket,
 * which fails if the task was taken or the job has changed, so a thread that wakes late
 * can never run a task of a job that has moved on. fn and arg are plain fields: written
 * before the ticket is published, read only after a successful claim, and rewritten only
 * after every claimed task has reported done.
 *
 * GLib's futex-based GMutex is invisible to ThreadSanitizer, so every field two threads
 * touch is an atomic or ordered by one; the mutex and condition variables only put threads
 * to sleep and wake them. */
#include "models/cpu/thread_pool.h"

#include "models/cpu/cpu_simd.h"
#include "models/model.h"

#include <stdint.h>

/* How long a thread polls before it sleeps: longer than the gap between two ops of one
 * inference (waking a sleeping thread costs tens of microseconds, which, paid per op,
 * would eat the gain), far shorter than the gap between inferences. */
#define SPIN_US 200
/* polls between two looks at the clock */
#define SPIN_BATCH 64

#define TICKET(gen, n, next) (((uint64_t) (gen) << 32) | ((uint64_t) (n) << 16) | (uint64_t) (next))
#define TICKET_GEN(t) ((uint32_t) ((t) >> 32))
#define TICKET_N(t) ((int) (((t) >> 16) & 0xffff))
#define TICKET_NEXT(t) ((int) ((t) & 0xffff))

typedef struct {
  FvCpuPool *pool;
  int id;
} Worker;

struct _FvCpuPool {
  int n_threads;
  GThread **threads;    /* [n_threads - 1] */
  Worker *workers;      /* [n_threads - 1] */
  GMutex lock;
  GCond wake;           /* a new job (or quit) */
  GCond done_cond;      /* the last task of a job finished */
  uint64_t ticket;      /* atomic */
  int done;             /* atomic: tasks of the current job finished */
  int n_sleeping;       /* atomic: workers about to wait, or waiting, on wake */
  int caller_waiting;   /* atomic */
  int quit;             /* atomic */
  uint32_t generation;  /* the caller's: the last job published */
  FvCpuTaskFn fn;
  void *arg;
};

static inline void
spin_pause (void)
{
#if FV_CPU_X86
  __builtin_ia32_pause ();
#endif
}

static inline uint64_t
ticket_get (FvCpuPool *pool)
{
  return __atomic_load_n (&pool->ticket, __ATOMIC_SEQ_CST);
}

/* Claims and runs tasks of job @gen on @thread until none is left. */
static void
run_tasks (FvCpuPool *pool, uint32_t gen, int thread)
{
  uint64_t t = ticket_get (pool);
  while (TICKET_GEN (t) == gen && TICKET_NEXT (t) < TICKET_N (t)) {
    if (!__atomic_compare_exchange_n (&pool->ticket, &t, t + 1, FALSE, __ATOMIC_SEQ_CST,
                                      __ATOMIC_SEQ_CST))
      continue;   /* t now holds the current ticket */
    int n = TICKET_N (t);
    pool->fn (pool->arg, TICKET_NEXT (t), n, thread);
    if (g_atomic_int_add (&pool->done, 1) + 1 == n && thread != 0) {
      g_mutex_lock (&pool->lock);
      if (g_atomic_int_get (&pool->caller_waiting))
        g_cond_signal (&pool->done_cond);
      g_mutex_unlock (&pool->lock);
    }
    t = ticket_get (pool);
  }
}

/* Polls for up to SPIN_US while test (pool) is FALSE; returns its last value. */
static gboolean
spin_until (FvCpuPool *pool, gboolean (*test) (FvCpuPool *, uint32_t), uint32_t arg)
{
  gint64 deadline = 0;
  for (;;) {
    for (int i = 0; i < SPIN_BATCH; i++) {
      if (test (pool, arg))
        return TRUE;
      spin_pause ();
    }
    gint64 now = g_get_monotonic_time ();
    if (!deadline)
      deadline = now + SPIN_US;
    else if (now >= deadline)
      return test (pool, arg);
  }
}

static gboolean
new_job (FvCpuPool *pool, uint32_t seen)
{
  return TICKET_GEN (ticket_get (pool)) != seen;
}

static gboolean
job_done (FvCpuPool *pool, uint32_t n)
{
  return (uint32_t) g_atomic_int_get (&pool->done) == n;
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  FvCpuPool *pool = w->pool;
  uint32_t seen = 0;
  for (;;) {
    if (!spin_until (pool, new_job, seen)) {
      g_mutex_lock (&pool->lock);
      /* counted before the ticket is looked at: the caller reads the count after it
       * publishes, so one of the two sees the other */
      g_atomic_int_inc (&pool->n_sleeping);
      while (!new_job (pool, seen))
        g_cond_wait (&pool->wake, &pool->lock);
      g_atomic_int_add (&pool->n_sleeping, -1);
      g_mutex_unlock (&pool->lock);
    }
    if (g_atomic_int_get (&pool->quit))
      return NULL;
    seen = TICKET_GEN (ticket_get (pool));
    run_tasks (pool, seen, w->id);
  }
}

/* Publishes a job and wakes sleeping workers. */
static void
publish (FvCpuPool *pool, int n_tasks)
{
  pool->generation++;
  __atomic_store_n (&pool->ticket, TICKET (pool->generation, n_tasks, 0), __ATOMIC_SEQ_CST);
  if (g_atomic_int_get (&pool->n_sleeping) > 0) {
    g_mutex_lock (&pool->lock);
    g_cond_broadcast (&pool->wake);
    g_mutex_unlock (&pool->lock);
  }
}

FvCpuPool *
fv_cpu_pool_new (int n_threads, GError **error)
{
  g_return_val_if_fail (n_threads >= 2, NULL);
  FvCpuPool *pool = g_new0 (FvCpuPool, 1);
  pool->n_threads = 1;
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->wake);
  g_cond_init (&pool->done_cond);
  pool->threads = g_new0 (GThread *, n_threads - 1);
  pool->workers = g_new0 (Worker, n_threads - 1);
  for (int i = 1; i < n_threads; i++) {
    Worker *w = &pool->workers[i - 1];
    w->pool = pool;
    w->id = i;
    char name[32];
    g_snprintf (name, sizeof name, "fv-cpu-%d", i);
    GError *thread_error = NULL;
    pool->threads[i - 1] = g_thread_try_new (name, worker_main, w, &thread_error);
    if (!pool->threads[i - 1]) {
      g_set_error (error, FV_MODEL_ERROR, FV_MODEL_ERROR_ARGUMENT,
                   "cannot start worker thread %d of %d: %s", i, n_threads,
                   thread_error->message);
      g_error_free (thread_error);
      fv_cpu_pool_free (pool);
      return NULL;
    }
    pool->n_threads = i + 1;
  }
  return pool;
}

void
fv_cpu_pool_free (FvCpuPool *pool)
{
  if (!pool)
    return;
  g_atomic_int_set (&pool->quit, 1);
  publish (pool, 0);
  /* a worker between its n_sleeping check and its wait holds the lock, so this broadcast
   * cannot be missed */
  g_mutex_lock (&pool->lock);
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);
  for (int i = 0; i < pool->n_threads - 1; i++)
    g_thread_join (pool->threads[i]);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->wake);
  g_cond_clear (&pool->done_cond);
  g_free (pool->threads);
  g_free (pool->workers);
  g_free (pool);
}

int
fv_cpu_pool_n_threads (const FvCpuPool *pool)
{
  return pool->n_threads;
}

void
fv_cpu_pool_run (FvCpuPool *pool, FvCpuTaskFn fn, void *arg, int n_tasks)
{
  n_tasks = CLAMP (n_tasks, 1, FV_CPU_POOL_MAX_TASKS);
  if (n_tasks == 1) {
    fn (arg, 0, 1, 0);
    return;
  }
  pool->fn = fn;
  pool->arg = arg;
  g_atomic_int_set (&pool->done, 0);
  publish (pool, n_tasks);
  run_tasks (pool, pool->generation, 0);
  if (spin_until (pool, job_done, (uint32_t) n_tasks))
    return;
  g_mutex_lock (&pool->lock);
  g_atomic_int_set (&pool->caller_waiting, 1);
  while (!job_done (pool, (uint32_t) n_tasks))
    g_cond_wait (&pool->done_cond, &pool->lock);
  g_atomic_int_set (&pool->caller_waiting, 0);
  g_mutex_unlock (&pool->lock);
}
