//go:build unix

package extract

import (
	"os/exec"
	"syscall"
)

// ownGroup runs cmd in a process group of its own, so the terminal's
// Ctrl-C (sent to the foreground group) reaches vidskim only, which then
// stops ffmpeg itself (cmd.Cancel) and says how far the run got, instead
// of ffmpeg dying first with a misleading "exit status 255".
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
