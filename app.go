package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

// newApp lists the commands; each lives in its own cmd_*.go file.
func newApp(argv []string, stdout, stderr io.Writer) *cli.App {
	var fromFile map[string]bool
	app := &cli.App{
		Name:            "vidskim",
		Usage:           "let a vision language model understand a video",
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		Version:         buildVersion(),
		ExitErrHandler:  func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{
				Name:      "summarize",
				Usage:     "summarize a video with a vision model",
				ArgsUsage: "VIDEO... (files, directories, URLs, - for paths on stdin)",
				Flags:     summarizeFlags(),
				Action:    func(c *cli.Context) error { return summarizeCmd(c, stdout, stderr) },
			},
			{
				Name:      "frames",
				Usage:     "sample and select frames without a model; write the kept frames as JPEGs",
				ArgsUsage: "VIDEO...",
				Flags:     framesFlags(),
				Action:    func(c *cli.Context) error { return framesCmd(c, stdout, stderr) },
			},
			{
				Name:      "plan",
				Usage:     "sample and select frames, then print the requests, tokens and cost the run would take, on several models; no model is called",
				ArgsUsage: "VIDEO...",
				Flags:     planFlags(),
				Action:    func(c *cli.Context) error { return planCmd(c, stdout, stderr) },
			},
			searchCommand(stdout, stderr),
			askCommand(stdout, stderr),
			libraryCommand(stdout, stderr),
			batchCommand(stdout, stderr),
			serveCommand(stdout, stderr),
			{
				Name:   "config",
				Usage:  "print the effective settings of summarize (flags, env, config file, defaults), keys masked",
				Flags:  summarizeFlags(),
				Action: func(c *cli.Context) error { return configCmd(c, stdout, fromFile, argv) },
			},
			versionCommand(stdout),
		},
	}
	app.Metadata = map[string]any{"argv": argv}
	wire(app, &fromFile)
	return app
}

// wire gives every command the usage errors of suggest.go, an action for
// an unknown subcommand, and the config file (which the version command
// does without: it works whatever the config says).
func wire(app *cli.App, fromFile *map[string]bool) {
	onUsage := flagUsage(app.Commands)
	app.OnUsageError, app.Action = onUsage, unknownCommand(app.Commands)
	known := allFlagNames(app.Commands)
	for _, cmd := range everyCommand(app.Commands) {
		cmd.OnUsageError = onUsage
		if len(cmd.Subcommands) > 0 {
			cmd.Action = unknownCommand(cmd.Subcommands)
		}
		if cmd.Name == "version" {
			continue
		}
		cmd.Before = func(c *cli.Context) (err error) {
			*fromFile, err = applyConfig(c, known)
			c.App.Metadata["fromFile"] = *fromFile
			if err == nil && hasFlag(c, "log-format") {
				err = checkLogFormat(c)
			}
			return err
		}
	}
}

// everyCommand is cmds and their subcommands.
func everyCommand(cmds []*cli.Command) []*cli.Command {
	var out []*cli.Command
	for _, c := range cmds {
		out = append(append(out, c), everyCommand(c.Subcommands)...)
	}
	return out
}
