//go:build unix

package ocr

import (
	"os/exec"
	"syscall"
)

// ownGroup runs tesseract in a process group of its own, so the terminal's
// Ctrl-C reaches vidskim alone, which stops it (as extract does ffmpeg).
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
