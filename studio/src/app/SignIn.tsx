import { type FormEvent, useState } from 'react';
import { useI18n } from './i18n.tsx';
import { problemText } from './problem-text.ts';
import { type ApiClient, toProblem } from './trpc.ts';

export function SignIn({ client, onSignedIn }: { client: ApiClient; onSignedIn(): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.auth.signIn.mutate({ email, password });
      onSignedIn();
    } catch (err) {
      const p = toProblem(err);
      setError(p.code === 'UNAUTHORIZED' || p.code === 'BAD_REQUEST' ? t('signin.failed') : problemText(p, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label={t('signin.title')}>
        <h1>{t('signin.title')}</h1>
        <label htmlFor="email">{t('signin.email')}</label>
        <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">{t('signin.password')}</label>
        <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
    </main>
  );
}
