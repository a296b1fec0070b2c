package resolvers

import "time"

// workers runs a batch's single-record calls on goroutines that outlive the call. A
// backend call is deep (client, six transport layers, net/http), so a fresh goroutine
// grows and copies its stack once or twice before the request is even written; a
// worker keeps the stack it grew. A task never waits for a busy worker: when none is
// idle a new one starts, so the pool never bounds concurrency (fanOutLimit and the
// transport's per-backend limit do). Idle workers exit after workerIdle.
type workers struct {
	tasks chan func()
}

const workerIdle = 10 * time.Second

var callWorkers = &workers{tasks: make(chan func())}

// Go runs f on an idle worker, or on a new one.
func (w *workers) Go(f func()) {
	select {
	case w.tasks <- f:
	default:
		go w.run(f)
	}
}

func (w *workers) run(f func()) {
	f()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		select {
		case f := <-w.tasks:
			f()
			idle.Reset(workerIdle)
		case <-idle.C:
			return
		}
	}
}
