import { useT } from '../i18n/i18n';
import { Link } from '../router';

export function NotFoundPage() {
  const t = useT();
  return (
    <section className="page" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.explain')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
