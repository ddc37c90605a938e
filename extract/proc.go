package extract

import "os/exec"

// OwnGroup runs cmd in a process group of its own, as this package runs
// ffmpeg and ffprobe: for packages that run ffmpeg themselves, so Ctrl-C
// reaches vidskim, which stops the process and says so.
func OwnGroup(cmd *exec.Cmd) { ownGroup(cmd) }
