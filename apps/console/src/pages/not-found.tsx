import { Link } from 'react-router';

import { useTitle } from '../hooks/use-title';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no console page here. <Link to="/alerts">Go to the alerts</Link>.
      </p>
    </>
  );
}
