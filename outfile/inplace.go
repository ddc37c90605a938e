package outfile

import (
	"context"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// openInPlace opens a device, FIFO or descriptor for writing. Nothing is
// created or truncated: /dev/null and a terminal need neither, a pipe cannot
// be truncated, and a file behind /dev/stdout was truncated by the shell's >
// already or is meant to grow with >>, hence O_APPEND.
//
// Opening a FIFO waits for a reader. ctx ends that wait: the open runs in
// its own goroutine, and on cancellation this process briefly opens the FIFO
// for reading itself, which lets the pending open return so that its file
// is closed rather than leaked. Only a FIFO is woken so: reading a device
// to wake it could have effects of its own.
func openInPlace(ctx context.Context, d dest) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, d.errorf(err)
	}
	flag := os.O_WRONLY
	if d.mode.IsRegular() {
		flag |= os.O_APPEND
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(d.name, flag, 0)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return nil, d.errorf(o.err)
		}
		return o.f, nil
	case <-ctx.Done():
		fifo := d.mode.Type() == fs.ModeNamedPipe
		if fifo {
			wake(d.name)
		}
		go abandon(d.name, fifo, done)
		return nil, d.errorf(ctx.Err())
	}
}

// opened is the outcome of an open running in its own goroutine.
type opened struct {
	f   *os.File
	err error
}

// abandon closes the file of an open nobody waits for any more. The first
// wake may come before the open has even started; waking again until it
// returns makes sure it does.
func abandon(name string, fifo bool, done <-chan opened) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case o := <-done:
			if o.f != nil {
				o.f.Close()
			}
			return
		case <-tick.C:
			if fifo {
				wake(name)
			}
		}
	}
}

// wake opens the FIFO at name for reading and closes it again, which ends a
// writer's wait in open(2). O_NONBLOCK keeps this open itself from waiting.
func wake(name string) {
	if r, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		r.Close()
	}
}
