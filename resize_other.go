//go:build !unix

package main

import "os"

// notifyResize: no resize signal here; the width is measured once.
func notifyResize(chan os.Signal) {}

func stopResize(chan os.Signal) {}
