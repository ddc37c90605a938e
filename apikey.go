package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// settingRank orders where a setting came from: the command line wins over
// the environment, which wins over the config file.
var settingRank = map[string]int{"flag": 3, "config file": 1, "default": 0}

// rankOf is how strongly name was set (an empty variable counts as unset).
func rankOf(c *cli.Context, name string) int {
	argv, _ := c.App.Metadata["argv"].([]string)
	fromFile, _ := c.App.Metadata["fromFile"].(map[string]bool)
	src := source(c, name, fromFile, argv)
	if strings.HasPrefix(src, "env ") {
		return 2
	}
	return settingRank[src]
}

// apiKey is the key to send: keyFlag's value (from the flag, the
// environment or the config file), or the first line of --api-key-file
// when that was set more strongly. The file is refused when missing or
// empty, and a warning says when others can read it.
func apiKey(c *cli.Context, keyFlag string) (string, error) {
	file := c.String("api-key-file")
	if file == "" {
		return c.String(keyFlag), nil
	}
	keyRank, fileRank := rankOf(c, keyFlag), rankOf(c, "api-key-file")
	switch {
	case keyRank > fileRank && c.String(keyFlag) != "":
		return c.String(keyFlag), nil
	case keyRank == fileRank && c.String(keyFlag) != "":
		return "", usageError{fmt.Errorf("--%s and --api-key-file both set: give the key one way", keyFlag)}
	}
	return readKeyFile(c, file)
}

// readKeyFile reads the key from the first line of path.
func readKeyFile(c *cli.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", usageError{fmt.Errorf("--api-key-file %s: %w", path, err)}
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 64<<10)).ReadString('\n')
	key := strings.TrimSpace(line)
	if err != nil && err != io.EOF || key == "" {
		return "", usageError{fmt.Errorf("--api-key-file %s: no key on its first line", path)}
	}
	if worldReadable(path) {
		fmt.Fprintf(c.App.ErrWriter, "vidskim: warning: %s holds an API key and others can read it (chmod 600 it)\n", path)
	}
	return key, nil
}
