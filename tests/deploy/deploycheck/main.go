// Command expe-deploycheck validates Expe's deployment files offline with the parsers the real
// tools use, and prints what it parsed as JSON for tests/deploy to assert on.
//
//	expe-deploycheck k8s FILE...     strict Kubernetes decoding (unknown or duplicate fields,
//	                                 wrong types, unknown kinds fail), one line per object
//	expe-deploycheck kustomize DIR   builds the kustomization as `kubectl apply -k` does and
//	                                 prints the objects as YAML
//	expe-deploycheck compose FILE    the docker compose loader (compose-go): compose-spec schema,
//	                                 anchors, interpolation, references; prints the project
//	expe-deploycheck rules FILE...   Prometheus rule files, as `promtool check rules` parses them
//	expe-deploycheck promql          PromQL expressions (JSON list on stdin): the selectors and
//	                                 grouping labels of each
//	expe-deploycheck scrape FILE     a Prometheus configuration, as Prometheus loads it (service
//	                                 discovery included); for the discovered targets on stdin (a
//	                                 JSON list of label sets), the labels each job's relabeling
//	                                 gives each target, or null where it drops it
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/config"
	_ "github.com/prometheus/prometheus/discovery/kubernetes" // registers kubernetes_sd_configs
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: expe-deploycheck k8s|kustomize|compose|rules|promql|scrape [FILE...]"))
	}
	var err error
	switch os.Args[1] {
	case "k8s":
		err = checkK8s(os.Args[2:])
	case "kustomize":
		err = buildKustomization(os.Args[2:])
	case "compose":
		err = checkCompose(os.Args[2:])
	case "rules":
		err = checkRules(os.Args[2:])
	case "promql":
		err = inspectPromQL(os.Stdin)
	case "scrape":
		err = relabelTargets(os.Args[2:], os.Stdin)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "expe-deploycheck:", err)
	os.Exit(1)
}

type k8sObject struct {
	File       string `json:"file"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
}

func checkK8s(files []string) error {
	if len(files) == 0 {
		return errors.New("k8s: no files")
	}
	codecs := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict)
	decoder := codecs.UniversalDeserializer()
	var failures []error
	out := json.NewEncoder(os.Stdout)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for index := 0; ; index++ {
			doc, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			if isBlank(doc) {
				continue
			}
			obj, gvk, err := decoder.Decode(doc, nil, nil)
			if err != nil {
				failures = append(failures, fmt.Errorf("%s document %d: %w", file, index, err))
				continue
			}
			u, err := toUnstructured(obj)
			if err != nil {
				return err
			}
			_ = out.Encode(k8sObject{File: file, APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind, Name: u.GetName()})
		}
	}
	return errors.Join(failures...)
}

func toUnstructured(obj any) (*unstructured.Unstructured, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	return u, u.UnmarshalJSON(data)
}

func isBlank(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("---")) {
			return false
		}
	}
	return true
}

func buildKustomization(dirs []string) error {
	if len(dirs) != 1 {
		return errors.New("kustomize: exactly one directory")
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dirs[0])
	if err != nil {
		return err
	}
	out, err := resources.AsYaml()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}

func checkCompose(files []string) error {
	if len(files) != 1 {
		return errors.New("compose: exactly one file")
	}
	file, err := filepath.Abs(files[0])
	if err != nil {
		return err
	}
	// Interpolate from an empty environment, so the file's own defaults are what is checked.
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithEnv(nil),
		cli.WithDotEnv,
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(project)
}

func checkRules(files []string) error {
	if len(files) == 0 {
		return errors.New("rules: no files")
	}
	var failures []error
	count := 0
	for _, file := range files {
		// Legacy name validation: metric and label names stay in the classic [a-zA-Z_:][a-zA-Z0-9_:]* set.
		groups, errs := rulefmt.ParseFile(file, false, model.LegacyValidation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler))
		for _, e := range errs {
			failures = append(failures, e) // rulefmt names the file already
		}
		if groups != nil {
			for _, g := range groups.Groups {
				count += len(g.Rules)
			}
		}
	}
	if len(failures) == 0 {
		fmt.Printf("{\"rules\": %d}\n", count)
	}
	return errors.Join(failures...)
}

type matcher struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

type selector struct {
	Metric   string    `json:"metric"`
	Matchers []matcher `json:"matchers"`
}

type inspected struct {
	Expr      string     `json:"expr"`
	Error     string     `json:"error,omitempty"`
	Selectors []selector `json:"selectors"`
	Grouping  [][]string `json:"grouping"`
}

func inspectPromQL(in io.Reader) error {
	var exprs []string
	if err := json.NewDecoder(in).Decode(&exprs); err != nil {
		return fmt.Errorf("promql: stdin must be a JSON list of strings: %w", err)
	}
	p := parser.NewParser(parser.Options{})
	results := make([]inspected, 0, len(exprs))
	for _, text := range exprs {
		r := inspected{Expr: text, Selectors: []selector{}, Grouping: [][]string{}}
		node, err := p.ParseExpr(text)
		if err != nil {
			r.Error = err.Error()
			results = append(results, r)
			continue
		}
		parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
			switch v := n.(type) {
			case *parser.VectorSelector:
				s := selector{Metric: v.Name, Matchers: []matcher{}}
				for _, m := range v.LabelMatchers {
					if m.Name == "__name__" {
						continue
					}
					s.Matchers = append(s.Matchers, matcher{Name: m.Name, Type: m.Type.String(), Value: m.Value})
				}
				r.Selectors = append(r.Selectors, s)
			case *parser.AggregateExpr:
				if !v.Without && v.Grouping != nil {
					r.Grouping = append(r.Grouping, v.Grouping)
				}
			}
			return nil
		})
		results = append(results, r)
	}
	return json.NewEncoder(os.Stdout).Encode(results)
}

// relabelTargets loads a Prometheus configuration and gives, per scrape job, what its relabeling
// makes of each discovered target: the labels Prometheus starts from (job, __metrics_path__,
// __scheme__ and the target's own), the relabel rules applied in order, then the labels starting
// with "__" dropped except __address__ and __metrics_path__, which say what is scraped.
func relabelTargets(files []string, in io.Reader) error {
	if len(files) != 1 {
		return errors.New("scrape: exactly one file")
	}
	cfg, err := config.LoadFile(files[0], false, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	var targets []map[string]string
	if err := json.NewDecoder(in).Decode(&targets); err != nil {
		return fmt.Errorf("scrape: stdin must be a JSON list of label sets: %w", err)
	}
	results := map[string][]map[string]string{}
	for _, job := range cfg.ScrapeConfigs {
		for _, target := range targets {
			lb := labels.NewBuilder(labels.FromMap(target))
			for name, value := range map[string]string{
				model.JobLabel:         job.JobName,
				model.MetricsPathLabel: job.MetricsPath,
				model.SchemeLabel:      job.Scheme,
			} {
				if lb.Get(name) == "" {
					lb.Set(name, value)
				}
			}
			if !relabel.ProcessBuilder(lb, job.RelabelConfigs...) {
				results[job.JobName] = append(results[job.JobName], nil)
				continue
			}
			kept := map[string]string{}
			lb.Labels().Range(func(l labels.Label) {
				if !strings.HasPrefix(l.Name, "__") || l.Name == model.AddressLabel || l.Name == model.MetricsPathLabel {
					kept[l.Name] = l.Value
				}
			})
			results[job.JobName] = append(results[job.JobName], kept)
		}
	}
	return json.NewEncoder(os.Stdout).Encode(results)
}
