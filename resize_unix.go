//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize sends on c when the terminal is resized.
func notifyResize(c chan os.Signal) { signal.Notify(c, syscall.SIGWINCH) }

func stopResize(c chan os.Signal) { signal.Stop(c) }
