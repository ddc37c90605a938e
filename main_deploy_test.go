package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// job is what TestKubernetesJob reads of deploy/kubernetes/job.yaml.
type job struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		CompletionMode string `json:"completionMode"`
		Completions    int    `json:"completions"`
		Parallelism    int    `json:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `json:"restartPolicy"`
				Containers    []struct {
					Args []string `json:"args"`
					Env  []struct {
						Name      string `json:"name"`
						ValueFrom struct {
							SecretKeyRef *struct{ Name, Key string } `json:"secretKeyRef"`
							FieldRef     *struct {
								FieldPath string `json:"fieldPath"`
							} `json:"fieldRef"`
						} `json:"valueFrom"`
					} `json:"env"`
					VolumeMounts []struct{ Name, MountPath string } `json:"volumeMounts"`
				} `json:"containers"`
				Volumes []struct {
					Name string `json:"name"`
					PVC  *struct {
						ClaimName string `json:"claimName"`
					} `json:"persistentVolumeClaim"`
				} `json:"volumes"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

// TestKubernetesJob: deploy/kubernetes/job.yaml parses as an Indexed Job
// whose completions, parallelism and --shards agree, the key comes from a
// Secret, the videos and outputs are on a shared volume, and each pod's
// library is its own; then its very arguments, with the volume a
// temporary directory and each index in turn, summarize every video once,
// and the outputs import into one library.
func TestKubernetesJob(t *testing.T) {
	raw := readFile(t, filepath.Join("deploy", "kubernetes", "job.yaml"))
	var j job
	if err := yaml.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	s := j.Spec
	if j.APIVersion != "batch/v1" || j.Kind != "Job" || s.CompletionMode != "Indexed" || s.Completions < 2 || s.Parallelism != s.Completions || s.Template.Spec.RestartPolicy != "Never" {
		t.Fatalf("not an Indexed Job of N completions run N at once: %+v", s)
	}
	c := s.Template.Spec.Containers[0]
	args := strings.Join(c.Args, " ")
	for _, want := range []string{"summarize /data/", fmt.Sprintf("--shards=%d", s.Completions), "--out-dir=/data/", "--library=/data/state/library-$(SHARD).db", "--cache-dir=/data/"} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom.SecretKeyRef != nil:
			env[e.Name] = "secret " + e.ValueFrom.SecretKeyRef.Name
		case e.ValueFrom.FieldRef != nil:
			env[e.Name] = e.ValueFrom.FieldRef.FieldPath
		}
	}
	if env["OPENAI_API_KEY"] != "secret vidskim" || env["SHARD"] != "metadata.annotations['batch.kubernetes.io/job-completion-index']" || strings.Contains(string(raw), "sk-") {
		t.Errorf("the key must come from the Secret and SHARD from the completion index: %v", env)
	}
	if len(c.VolumeMounts) == 0 || c.VolumeMounts[0].MountPath != "/data" || s.Template.Spec.Volumes[0].PVC == nil {
		t.Errorf("the videos and outputs must be on a shared volume at /data: %+v %+v", c.VolumeMounts, s.Template.Spec.Volumes)
	}

	openaitest.NeedFFmpeg(t)
	data := t.TempDir()
	os.MkdirAll(filepath.Join(data, "videos"), 0o755)
	clips := []string{"sample.mp4", "scenes.mp4", "counter.mp4", "event.mp4"}
	for _, cl := range clips {
		os.WriteFile(filepath.Join(data, "videos", cl), readFile(t, filepath.Join("testdata", cl)), 0o644)
	}
	srv := openaitest.New(t)
	t.Setenv("OPENAI_API_KEY", "sk-from-the-secret")
	for i := range s.Completions {
		t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(i))
		var a []string
		for _, arg := range c.Args {
			a = append(a, strings.NewReplacer("/data", data, "$(SHARD)", fmt.Sprint(i)).Replace(arg))
		}
		code, _, stderr := vidskimKeepEnv(t, map[string]string{"OPENAI_API_KEY": ""}, append(a, "--base-url", srv.BaseURL(), "-q")...)
		if code != 0 {
			t.Fatalf("index %d: exit %d: %s", i, code, stderr)
		}
	}
	for _, cl := range clips {
		if _, err := os.Stat(filepath.Join(data, "out", strings.TrimSuffix(cl, ".mp4")+".json")); err != nil {
			t.Errorf("no output for %s: %v", cl, err)
		}
	}
	code, stdout, stderr := vidskim(t, "library", "import", filepath.Join(data, "out"), "--library", filepath.Join(t.TempDir(), "l.db"))
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("imported %d runs", len(clips))) {
		t.Errorf("import: exit %d: %s%s", code, stdout, stderr)
	}
}
