package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"frontdoor/bot"
	"frontdoor/bot/poster"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/locales"
)

// posterCommand writes a printable PNG whose QR code opens the bot with the
// network preselected (t.me/<bot>?start=<network>), or the web door
// (<web>?n=<network>).
var posterCommand = storeCommand{
	name: "poster",
	spec: cmdSpec{usage: "frontdoor poster [--bot NAME | --web URL] [--lang LANG] [--title TEXT] NETWORK FILE.png", args: exactly(2),
		help: `Writes a printable A4 poster with a QR code that opens the bot on NETWORK, or with --web the
web door at its public address (for whoever has no Telegram). Look at it before printing: its
title is the network's name unless --title says otherwise.`},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		botName := fs.String("bot", "", "the bot's username; default: asked of Telegram with the token")
		lang := fs.String("lang", flows.DefaultLang, "the language of the text (a language written in Latin or Cyrillic letters: it, en, es, fr, pl, pt, ro, sq, ru, uk)")
		title := fs.String("title", "", "the title instead of the network's name (when the name has words a passer-by should not read)")
		webURL := fs.String("web", "", "the web door's public address (https://…): the code opens the page instead of Telegram")
		return func(pos []string) (storeWork, error) {
			network, file := pos[0], pos[1]
			if *webURL != "" && *botName != "" {
				return nil, fmt.Errorf("a poster opens either the bot (--bot) or the web door (--web), not both")
			}
			return func(ctx context.Context, env storeEnv) error {
				if err := writePoster(ctx, env, *botName, *webURL, *lang, *title, network, file); err != nil {
					return err
				}
				fmt.Fprintf(env.io.Stdout, "Poster for %s written to %s. Look at it before printing: its title is the network's name unless --title says otherwise.\n", network, file)
				return nil
			}, nil
		}
	},
}

func writePoster(ctx context.Context, env storeEnv, botName, webURL, lang, title, network, file string) error {
	cat, err := locales.New()
	if err != nil {
		return err
	}
	if !slices.Contains(cat.Langs(), lang) {
		return fmt.Errorf("no texts in %q (there are: %s)", lang, strings.Join(cat.Langs(), ", "))
	}
	dir, err := loadDirectory(ctx, env.db)
	if err != nil {
		return err
	}
	n, ok := dir.Network(network)
	if !ok {
		var ids []string
		for _, n := range dir.Networks() {
			ids = append(ids, n.ID)
		}
		return fmt.Errorf("no network %q in the directory (there are: %s)", network, strings.Join(ids, ", "))
	}
	link, hint, err := posterLink(ctx, env, botName, webURL, n.ID)
	if err != nil {
		return err
	}
	text := func(id string) string { s, _ := cat.Text(lang, id, nil, nil); return s }
	if strings.TrimSpace(title) == "" {
		title = n.Name
	}
	var b bytes.Buffer
	if err := poster.WritePNG(&b, poster.Poster{Link: link, Title: title, Lines: []string{text("poster.line")}, Hint: text(hint)}); err != nil {
		return err
	}
	// A poster is meant to be shared: readable by all, unlike the store.
	return env.io.WriteFile(file, 0o644, func(w io.Writer) error { _, err := b.WriteTo(w); return err })
}

// posterLink is what a poster's code opens, the web door or the bot, and
// the message id of the hint printed above it.
func posterLink(ctx context.Context, env storeEnv, botName, webURL, network string) (link, hint string, err error) {
	if webURL != "" {
		link, err = poster.WebLink(webURL, network)
		return link, "poster.hint_web", err
	}
	if botName == "" {
		if env.cfg.Token == "" {
			return "", "", fmt.Errorf("say which bot with --bot NAME (or the web door with --web URL), or set %s to ask Telegram", config.EnvToken)
		}
		if botName, err = bot.FetchUsername(ctx, env.cfg.Token, env.cfg.API, nil); err != nil {
			return "", "", err
		}
	}
	link, err = poster.DeepLink(botName, network)
	return link, "poster.hint", err
}
