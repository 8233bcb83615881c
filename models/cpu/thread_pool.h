/* fovea — the persistent worker pool of the "cpu" backend. Private to models/cpu/.
 *
 * Threads are created once (fv_cpu_pool_new, at prepare) and then only woken. A call to
 * fv_cpu_pool_run() publishes one job of n tasks; the caller and the workers claim tasks
 * one at a time from a shared ticket until none are left, and the call returns when every
 * task is done (one barrier per call). Claiming, rather than task i going to thread i,
 * means a worker that the OS has not scheduled yet costs nothing: the threads that are
 * running take its share. Threads poll for a short while before they sleep on a condition
 * variable, which keeps back-to-back ops cheap without burning a core between inferences.
 * Nothing here allocates after fv_cpu_pool_new().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FvCpuPool FvCpuPool;

/* Runs task @task of @n_tasks of the caller's job @arg on thread @thread (0 = the caller,
 * 1..n_threads-1 the workers; at most one task runs on a thread at a time, so per-thread
 * scratch may be indexed by it). */
typedef void (*FvCpuTaskFn) (void *arg, int task, int n_tasks, int thread);

/* The most tasks one job may have. */
#define FV_CPU_POOL_MAX_TASKS 65535

/* A pool of @n_threads threads in all (the caller counts as one, so n_threads - 1 workers
 * are started; n_threads >= 2). Returns NULL with @error if a thread cannot be started.
 * Free with fv_cpu_pool_free(). */
FvCpuPool *fv_cpu_pool_new (int n_threads, GError **error);
void fv_cpu_pool_free (FvCpuPool *pool);
int fv_cpu_pool_n_threads (const FvCpuPool *pool);

/* Runs fn(arg, i, n_tasks, thread) for every i < n_tasks (1 <= n_tasks <=
 * FV_CPU_POOL_MAX_TASKS) and waits for all of them. One caller at a time. */
void fv_cpu_pool_run (FvCpuPool *pool, FvCpuTaskFn fn, void *arg, int n_tasks);

G_END_DECLS
