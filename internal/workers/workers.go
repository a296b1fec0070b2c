// Package workers runs short tasks on goroutines that outlive them.
//
// A fresh goroutine starts with a small stack; a task that goes deep (a backend call
// through the client, the transport layers and net/http, or gqlgen marshalling a
// nested object) grows and copies that stack once or twice before doing its work. A
// worker keeps the stack it grew. A task never waits for a busy worker: when none is
// idle a new one starts, so the pool never bounds concurrency (and cannot deadlock a
// task that waits for another). Idle workers exit after Idle.
package workers

import "time"

// Pool hands tasks to idle workers. The zero value is not usable; use New.
type Pool struct {
	tasks chan func()
}

// Idle is how long a worker waits for a task before it exits.
const Idle = 10 * time.Second

// New returns an empty pool.
func New() *Pool { return &Pool{tasks: make(chan func())} }

// Shared is the process-wide pool.
var Shared = New()

// Go runs f on an idle worker, or on a new one.
func (p *Pool) Go(f func()) {
	select {
	case p.tasks <- f:
	default:
		go p.run(f)
	}
}

func (p *Pool) run(f func()) {
	// The garbage collector halves the stack of a goroutine using under a quarter of it,
	// which is what an idle worker looks like: its next task would grow the stack back,
	// copying it each time. Waiting below this frame keeps the worker's in-use stack at
	// a quarter of a 32 KiB stack, so a stack grown that far stays grown.
	var ballast [8 << 10]byte
	p.serve(f, &ballast)
}

//go:noinline
func (p *Pool) serve(f func(), ballast *[8 << 10]byte) {
	ballast[0] = 1
	f()
	idle := time.NewTimer(Idle)
	defer idle.Stop()
	for {
		select {
		case f := <-p.tasks:
			f()
			idle.Reset(Idle)
		case <-idle.C:
			return
		}
	}
}
