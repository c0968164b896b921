package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"frontdoor/bot"
	"frontdoor/bot/poster"
	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/locales"
	"frontdoor/store"
)

// posterCmd writes a printable PNG whose QR code opens the bot with the
// network preselected (t.me/<bot>?start=<network>).
func posterCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("poster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	botName := fs.String("bot", "", "the bot's username; default: asked of Telegram with the token")
	lang := fs.String("lang", flows.DefaultLang, "the language of the text (a language written in Latin or Cyrillic letters: it, en, es, fr, pl, pt, ro, sq, ru, uk)")
	title := fs.String("title", "", "the title instead of the network's name (when the name has words a passer-by should not read)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "frontdoor: usage: frontdoor poster [--bot NAME] [--lang LANG] [--title TEXT] NETWORK FILE.png")
		return 2
	}
	network, file := fs.Arg(0), fs.Arg(1)
	if err := writePoster(ctx, cfg, *botName, *lang, *title, network, file); err != nil {
		fmt.Fprintf(stderr, "frontdoor: poster: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Poster for %s written to %s. Look at it before printing: its title is the network's name unless --title says otherwise.\n", network, file)
	return 0
}

func writePoster(ctx context.Context, cfg config.Config, botName, lang, title, network, file string) error {
	cat, err := locales.New()
	if err != nil {
		return err
	}
	if !slices.Contains(cat.Langs(), lang) {
		return fmt.Errorf("no texts in %q (there are: %s)", lang, strings.Join(cat.Langs(), ", "))
	}
	var dir *flows.Directory
	err = withStore(cfg, func(db *store.DB) (err error) {
		dir, err = loadDirectory(ctx, db)
		return err
	})
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
	if botName == "" {
		if cfg.Token == "" {
			return fmt.Errorf("say which bot with --bot NAME, or set %s to ask Telegram", config.EnvToken)
		}
		if botName, err = bot.FetchUsername(ctx, cfg.Token, cfg.API, nil); err != nil {
			return err
		}
	}
	link, err := poster.DeepLink(botName, n.ID)
	if err != nil {
		return err
	}
	text := func(id string) string { s, _ := cat.Text(lang, id, nil, nil); return s }
	if strings.TrimSpace(title) == "" {
		title = n.Name
	}
	var b bytes.Buffer
	if err := poster.WritePNG(&b, poster.Poster{Link: link, Title: title, Lines: []string{text("poster.line")}, Hint: text("poster.hint")}); err != nil {
		return err
	}
	// A poster is meant to be shared: readable by all, unlike the store.
	return os.WriteFile(file, b.Bytes(), 0o644)
}
