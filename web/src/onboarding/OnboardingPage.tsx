import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { merchants as merchantsApi } from "../api/client";
import { qk } from "../api/keys";
import type { ApiKeyCreated, Merchant, Project } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { CreateKeyForm } from "../apikeys/CreateKeyForm";
import { SecretReveal } from "../apikeys/SecretReveal";
import { useLogout, useMe } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { COUNTRIES, CURRENCIES, countryName, currencyName } from "../lib/countries";
import { FormError, SelectField, TextField } from "../ui/Field";
import { workspace } from "../workspace/store";

const merchantSchema = z.object({
  name: z.string().trim().min(1, "Enter the business name").max(100, "Use at most 100 characters"),
  country: z.string().length(2, "Choose a country"),
  defaultCurrency: z.string().length(3, "Choose a currency"),
});
const projectSchema = z.object({
  name: z.string().trim().min(1, "Enter a project name").max(100, "Use at most 100 characters"),
});

function MerchantStep({ onDone }: { onDone: (merchant: Merchant) => void }) {
  const form = useForm<z.infer<typeof merchantSchema>>({
    resolver: zodResolver(merchantSchema),
    defaultValues: { name: "", country: "IN", defaultCurrency: "INR" },
  });
  const { formError, report } = useApiError(form.setError, ["name", "country", "defaultCurrency"]);
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(async (values) => {
        try {
          onDone(await merchantsApi.create(values));
        } catch (error) {
          report(error);
        }
      })}
    >
      <h2>Your business</h2>
      <FormError error={formError} />
      <TextField
        label="Business name"
        autoComplete="organization"
        error={errors.name?.message}
        {...form.register("name")}
      />
      <div className="form-grid">
        <SelectField label="Country" error={errors.country?.message} {...form.register("country")}>
          {COUNTRIES.map((code) => (
            <option key={code} value={code}>
              {countryName(code)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Default currency"
          error={errors.defaultCurrency?.message}
          {...form.register("defaultCurrency")}
        >
          {CURRENCIES.map((code) => (
            <option key={code} value={code}>
              {code} · {currencyName(code)}
            </option>
          ))}
        </SelectField>
      </div>
      <button type="submit" className="btn" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create merchant"}
      </button>
    </form>
  );
}

function ProjectStep({
  merchant,
  onDone,
}: {
  merchant: Merchant;
  onDone: (project: Project) => void;
}) {
  const form = useForm<{ name: string }>({
    resolver: zodResolver(projectSchema),
    defaultValues: { name: "Web shop" },
  });
  const { formError, report } = useApiError(form.setError, ["name"]);
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(async ({ name }) => {
        try {
          onDone(await merchantsApi.createProject(merchant.id, name));
        } catch (error) {
          report(error);
        }
      })}
    >
      <h2>Your first project</h2>
      <p className="muted">
        A project groups the API keys and webhooks of one integration, such as a web shop or an app.
      </p>
      <FormError error={formError} />
      <TextField
        label="Project name"
        error={form.formState.errors.name?.message}
        {...form.register("name")}
      />
      <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
        Create project
      </button>
    </form>
  );
}

const STEPS = ["Merchant", "Project", "API key"];

export function OnboardingPage() {
  usePageTitle("Set up your merchant");
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const logout = useLogout();
  const [merchant, setMerchant] = useState<Merchant | null>(null);
  const [project, setProject] = useState<Project | null>(null);
  const [key, setKey] = useState<ApiKeyCreated | null>(null);
  const step = !merchant ? 0 : !project ? 1 : 2;

  const finish = async () => {
    await client.refetchQueries({ queryKey: qk.merchants, type: "all" });
    navigate("/", { replace: true });
  };

  return (
    <section className="auth-card wide-card" aria-labelledby="onboarding-title">
      <h1 id="onboarding-title">Welcome{me?.name ? `, ${me.name}` : ""}: let’s set up Expe</h1>
      <ol className="steps" aria-label="Steps">
        {STEPS.map((label, index) => (
          <li
            key={label}
            aria-current={index === step ? "step" : undefined}
            className={index < step ? "done" : undefined}
          >
            {index + 1}. {label}
          </li>
        ))}
      </ol>
      {me && !me.emailVerified && (
        <div className="alert alert-info" role="note">
          Confirm your email address with the link we sent you: some actions need a verified email.
        </div>
      )}
      {step === 0 && (
        <MerchantStep
          onDone={(created) => {
            workspace.setMerchant(created.id);
            workspace.setMode("test");
            setMerchant(created);
            void client.invalidateQueries({ queryKey: qk.merchants });
          }}
        />
      )}
      {step === 1 && merchant && <ProjectStep merchant={merchant} onDone={setProject} />}
      {step === 2 && project && !key && (
        <>
          <h2>Your API key</h2>
          <p className="muted">
            Your server uses a secret key to create payments. Start with a test key: it moves no
            real money.
          </p>
          <CreateKeyForm
            projectId={project.id}
            defaultMode="test"
            onCreated={setKey}
            submitLabel="Create API key"
          />
          <div className="auth-links">
            <button type="button" className="btn-link" onClick={finish}>
              Skip for now
            </button>
          </div>
        </>
      )}
      {key && (
        <>
          <h2>
            Your {key.mode} {key.type} key
          </h2>
          <SecretReveal label="API key" secret={key.secret} />
          <div className="modal-actions">
            <button type="button" className="btn" onClick={finish}>
              Go to the dashboard
            </button>
          </div>
        </>
      )}
      <div className="auth-links">
        {step === 0 && (
          <>
            <Link to="/">Back to the dashboard</Link>
            <button
              type="button"
              className="btn-link"
              onClick={async () => {
                await logout();
                navigate("/login");
              }}
            >
              Log out
            </button>
          </>
        )}
      </div>
    </section>
  );
}
