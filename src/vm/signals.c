/* The stop-signal watcher of signals.h: one thread in sigwait() on the blocked signals. */
#include "vm/signals.h"

#include "base/log.h"

static void *vm_signal_thread(void *arg)
{
	struct vm_signals *s = arg;
	int                sig;

	while (sigwait(&s->set, &sig) == 0) {
		if (__atomic_load_n(&s->done, __ATOMIC_SEQ_CST))
			break;
		log_info("signal %d: stopping the guest", sig);
		s->stop(s->opaque, 128 + sig);
	}
	return NULL;
}

void vm_signals_block(struct vm_signals *s)
{
	sigemptyset(&s->set);
	sigaddset(&s->set, SIGINT);
	sigaddset(&s->set, SIGTERM);
	sigaddset(&s->set, SIGHUP);
	s->blocked = pthread_sigmask(SIG_BLOCK, &s->set, &s->old) == 0;
}

int vm_signals_watch(struct vm_signals *s, void (*stop)(void *opaque, int status), void *opaque,
		     struct cerr *e)
{
	s->stop   = stop;
	s->opaque = opaque;
	int rc = pthread_create(&s->thread, NULL, vm_signal_thread, s);
	if (rc != 0)
		return cerr_set(e, rc, "vm: starting the signal watcher");
	s->watching = true;
	return 0;
}

void vm_signals_end(struct vm_signals *s)
{
	if (s->watching) {
		__atomic_store_n(&s->done, true, __ATOMIC_SEQ_CST);
		pthread_kill(s->thread, SIGHUP);
		pthread_join(s->thread, NULL);
		s->watching = false;
	}
	if (s->blocked) {
		pthread_sigmask(SIG_SETMASK, &s->old, NULL);
		s->blocked = false;
	}
}
