package extract

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestChecked: the main decode gives Preflight's verdict. On a clean clip
// Checked is called once, before any frame past the first two seconds is
// sent; a caller that reads nothing more until the verdict (as one holding
// its requests does) still gets it; a flood of decoder errors in the first
// seconds stops the run with ErrDamaged and Checked is never called.
func TestChecked(t *testing.T) {
	clean := testdata("counter.mp4")
	damaged := genClip(t, "damaged.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=4", "-c:v", "libx264", "-g", "30", "-bsf:v", "noise=amount=30")
	t.Run("clean", func(t *testing.T) {
		var calls atomic.Int32
		v, _ := Probe(t.Context(), clean, "")
		out := make(chan Frame)
		late, read := 0, make(chan struct{})
		go func() {
			defer close(read)
			for f := range out {
				if f.Time > preflightSpan && calls.Load() == 0 {
					late++
				}
			}
		}()
		if _, err := Run(t.Context(), v, Options{FPS: 4, Checked: func() { calls.Add(1) }}, out); err != nil {
			t.Fatal(err)
		}
		close(out)
		<-read
		if calls.Load() != 1 || late > 0 {
			t.Errorf("Checked called %d times; %d frames past %d s sent before it", calls.Load(), late, preflightSpan)
		}
	})
	t.Run("caller waits for the verdict", func(t *testing.T) {
		checked := make(chan struct{})
		v, _ := Probe(t.Context(), clean, "")
		out := make(chan Frame)
		go func() {
			<-out // one frame, then nothing until the verdict
			<-checked
			for range out {
			}
		}()
		done := make(chan error, 1)
		go func() {
			_, err := Run(t.Context(), v, Options{FPS: 10, Checked: func() { close(checked) }}, out)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the run waits on a caller that waits on the run")
		}
	})
	t.Run("damaged", func(t *testing.T) {
		v, err := Probe(t.Context(), damaged, "")
		if err != nil {
			t.Fatal(err)
		}
		out := make(chan Frame, 100)
		called := false
		_, err = Run(t.Context(), v, Options{Checked: func() { called = true }}, out)
		if !errors.Is(err, ErrDamaged) || called {
			t.Errorf("err %v, Checked called %v; want ErrDamaged and no call", err, called)
		}
		if err := Preflight(t.Context(), v, Options{}); !errors.Is(err, ErrDamaged) {
			t.Errorf("Preflight: %v, want ErrDamaged as well", err)
		}
	})
}
