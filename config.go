package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"
)

// configPath is $VIDSKIM_CONFIG, else config.toml in the user's config
// directory ($XDG_CONFIG_HOME/vidskim on Linux).
func configPath() string {
	if p := os.Getenv("VIDSKIM_CONFIG"); p != "" {
		return p
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "vidskim", "config.toml")
}

// applyConfig fills the flags that neither the command line nor the
// environment set from the config file, so flags win over env and env
// over the file. Keys are flag names ("model", "base-url", "fps"). It
// returns the names it set, for `vidskim config`.
func applyConfig(c *cli.Context, known map[string]bool) (map[string]bool, error) {
	path := configPath()
	fromFile := map[string]bool{}
	if path == "" {
		return fromFile, nil
	}
	var settings map[string]any
	meta, err := toml.DecodeFile(path, &settings)
	if errors.Is(err, os.ErrNotExist) && os.Getenv("VIDSKIM_CONFIG") != "" {
		return nil, usageError{fmt.Errorf("VIDSKIM_CONFIG names %s, which does not exist (unset it, or create the file: vidskim config prints one)", path)}
	}
	if errors.Is(err, os.ErrNotExist) {
		return fromFile, nil
	}
	if err != nil {
		return nil, usageError{fmt.Errorf("config %s: %v", path, err)}
	}
	_ = meta
	for key, v := range settings {
		switch {
		case !known[key]:
			return nil, usageError{fmt.Errorf("config %s: unknown setting %q (settings are flag names, such as model or base-url)", path, key)}
		case !hasFlag(c, key) || c.IsSet(key) && c.Value(key) != "":
			continue // another command's setting, or set by flag or env (an empty variable counts as unset)
		}
		if err := setFromFile(c, key, v); err != nil {
			return nil, usageError{fmt.Errorf("config %s: %s: %v", path, key, err)}
		}
		fromFile[key] = true
	}
	c.App.Metadata[fromConfigKey] = fromFile
	if (fromFile["api-key"] || fromFile["azure-api-key"]) && worldReadable(path) {
		fmt.Fprintf(c.App.ErrWriter, "vidskim: warning: %s holds an API key and others can read it (chmod 600 it)\n", path)
	}
	return fromFile, nil
}

// setFromFile sets a flag from the config file's value; a list (include,
// exclude) is each of its items.
func setFromFile(c *cli.Context, key string, v any) error {
	list, ok := v.([]any)
	if !ok {
		return c.Set(key, fmt.Sprint(v))
	}
	for _, item := range list {
		if err := c.Set(key, fmt.Sprint(item)); err != nil {
			return err
		}
	}
	return nil
}

func hasFlag(c *cli.Context, name string) bool {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

func worldReadable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().Perm()&0o044 != 0
}

// allFlagNames is every setting any command knows.
func allFlagNames(cmds []*cli.Command) map[string]bool {
	known := map[string]bool{}
	for _, cmd := range cmds {
		for _, f := range cmd.Flags {
			known[f.Names()[0]] = true
		}
	}
	return known
}
