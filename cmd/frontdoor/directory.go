package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/dirfile"
	"frontdoor/locales"
	"frontdoor/store"
)

var directoryExport = storeCommand{
	name: "directory export",
	spec: cmdSpec{usage: "frontdoor directory export [--lang LANG] FILE", args: exactly(1),
		help: `Writes the directory of centres to FILE ("-" for standard output), in the format that
directory import reads: the file to edit, with a short comment on every field in LANG.`},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		lang := langFlag(fs)
		return func(pos []string) (storeWork, error) {
			file := pos[0]
			cat, err := directoryCatalog(*lang)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, env storeEnv) error {
				data, err := storedDirectory(ctx, env.db)
				if err != nil {
					return err
				}
				// Confidential addresses are in it: readable by its owner only.
				return env.io.WriteFile(file, 0o600, func(w io.Writer) error {
					return dirfile.EncodeCommented(w, data, fileComments(cat)(*lang))
				})
			}, nil
		}
	},
}

var directoryCheck = storeCommand{
	name: "directory check",
	spec: cmdSpec{usage: "frontdoor directory check [--lang LANG] FILE", args: exactly(1),
		help: "Checks FILE and says what importing it would change, changing nothing; its problems in LANG."},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		lang := langFlag(fs)
		return func(pos []string) (storeWork, error) {
			cat, err := directoryCatalog(*lang)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, env storeEnv) error {
				return importDirectory(ctx, env, pos[0], false, tellerIn(cat, *lang))
			}, nil
		}
	},
}

var directoryImport = storeCommand{
	name: "directory import",
	spec: cmdSpec{usage: "frontdoor directory import [--lang LANG] FILE", args: exactly(1),
		help: `Replaces the directory with FILE after checking all of it: nothing changes unless all of it
is valid, and every change goes into the audit trail. A running bot uses it at once. The problems
of a file are said in LANG, each with its line.`},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		lang := langFlag(fs)
		return func(pos []string) (storeWork, error) {
			cat, err := directoryCatalog(*lang)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, env storeEnv) error {
				return importDirectory(ctx, env, pos[0], true, tellerIn(cat, *lang))
			}, nil
		}
	},
}

// langFlag is the --lang of the directory commands: the language of the
// file's comments and of its problems, Italian by default as for
// volunteers.
func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", flows.DefaultLang, "language of the file's comments and of its problems")
}

// directoryCatalog loads the message catalogue and checks that it speaks
// lang.
func directoryCatalog(lang string) (*locales.Catalog, error) {
	cat, err := locales.New()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(cat.Langs(), lang) {
		return nil, fmt.Errorf("--lang %q: not one of %s", lang, strings.Join(cat.Langs(), " "))
	}
	return cat, nil
}

// fileComments gives the comments of the directory file in a language,
// from the message catalogue ("file.<key>").
func fileComments(cat *locales.Catalog) func(lang string) dirfile.Commenter {
	return func(lang string) dirfile.Commenter {
		return func(key string) string {
			text, _ := cat.Text(lang, "file."+key, nil, nil)
			return text
		}
	}
}

// teller says what the directory commands tell a volunteer in her language.
type teller struct {
	r    *bot.CatalogRenderer
	lang string
}

func tellerIn(cat *locales.Catalog, lang string) teller {
	return teller{r: bot.NewRenderer(cat), lang: lang}
}

// text says one message as plain text.
func (t teller) text(m flows.Text) string {
	return bot.PlainText(t.r.Render(t.lang, flows.Reply{Texts: []flows.Text{m}}).Text)
}

// problems says the problems of a directory, one a line.
func (t teller) problems(err error) string {
	var lines []string
	for _, p := range flows.Problems(err) {
		lines = append(lines, t.text(p.Message()))
	}
	return strings.Join(lines, "\n")
}

// importDirectory checks a directory file against the current directory
// and, with save, replaces it and records each change in the audit trail;
// say writes the problems of a file that is not valid and the notes.
func importDirectory(ctx context.Context, env storeEnv, file string, save bool, say teller) error {
	raw, err := env.io.ReadFile(file)
	if err != nil {
		return err
	}
	data, err := dirfile.Decode(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s is not a valid directory:\n%s", file, say.problems(err))
	}
	summary := fmt.Sprintf("%d networks, %d centres", len(data.Networks), len(data.Centres))
	if data.Sample {
		summary += " (marked as sample data)"
	}
	cur, err := storedDirectory(ctx, env.db)
	if err != nil {
		return err
	}
	coarse := flows.KeepCoarse(&data)
	changes := flows.DiffDirectories(cur, data)
	if err := checkOrphans(ctx, env.db, data); err != nil {
		return err
	}
	if save {
		dir, err := flows.NewDirectory(data)
		if err != nil {
			return fmt.Errorf("%s is not a valid directory:\n%s", file, say.problems(err))
		}
		if err := env.db.SaveDirectory(ctx, data); err != nil {
			return err
		}
		for _, c := range changes {
			if err := env.db.AppendAudit(ctx, flows.ImportAudit(c, time.Now(), "cli")); err != nil {
				return err
			}
		}
		if env.live != nil {
			env.live.SetDirectory(dir)
		}
		fmt.Fprintf(env.io.Stdout, "Imported %s.\n", summary)
	} else {
		fmt.Fprintf(env.io.Stdout, "%s is valid: importing it would replace the directory with %s.\n", file, summary)
	}
	if len(changes) == 0 {
		fmt.Fprintln(env.io.Stdout, "No differences from the current directory.")
	}
	for _, c := range changes {
		fmt.Fprintln(env.io.Stdout, c)
	}
	if len(coarse) > 0 {
		fmt.Fprintln(env.io.Stdout, say.text(flows.T("staff.import_coarse", "Names", strings.Join(coarse, ", "))))
	}
	return nil
}

var auditCommand = storeCommand{
	name: "audit",
	spec: cmdSpec{usage: "frontdoor audit [N]", args: func(n int) bool { return n <= 1 },
		help: "Prints the latest N (default 50) changes of the directory and the staff, newest first."},
	setup: func(*flag.FlagSet) func([]string) (storeWork, error) {
		return func(pos []string) (storeWork, error) {
			n := 50
			if len(pos) == 1 {
				v, err := strconv.Atoi(pos[0])
				if err != nil || v < 1 {
					return nil, fmt.Errorf("%q is not a number of entries", pos[0])
				}
				n = v
			}
			return func(ctx context.Context, env storeEnv) error {
				entries, err := env.db.Audit(ctx, "", n)
				if err != nil {
					return err
				}
				for _, e := range entries {
					fmt.Fprintf(env.io.Stdout, "%s\t%s\t%s\t%s\t%s\t%s → %s\n", e.At.In(flows.Rome).Format("2006-01-02 15:04"), e.Who, e.Network, e.Subject, e.Field, e.Before, e.After)
				}
				if len(entries) == 0 {
					fmt.Fprintln(env.io.Stdout, "No changes recorded.")
				}
				return nil
			}, nil
		}
	},
}

// checkOrphans refuses a directory that would leave receiving chats
// without their centre or open requests without their network, naming
// them. (The requests of a removed centre go to its network.)
func checkOrphans(ctx context.Context, db *store.DB, next flows.DirectoryData) error {
	ops, err := db.Operators(ctx)
	if err != nil {
		return err
	}
	cbs, err := db.Callbacks(ctx)
	if err != nil {
		return err
	}
	o := flows.FindOrphans(next, ops, cbs)
	if o.Empty() {
		return nil
	}
	var b strings.Builder
	b.WriteString("the file removes centres or networks that are still in use:\n")
	for _, op := range o.Chats {
		fmt.Fprintf(&b, "  chat %d receives the requests of centre %q\n", op.Chat, op.Centre)
	}
	for _, cb := range o.Requests {
		fmt.Fprintf(&b, "  request %s of network %q is open\n", cb.Ticket, cb.Network)
	}
	b.WriteString("Remove those chats first (in the bot: /staff, receiving chats; or frontdoor operators remove --chat ID), let the requests close, or keep the ids.")
	return errors.New(b.String())
}
