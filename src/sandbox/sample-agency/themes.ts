// The words of the sample agency: epics with the stories that belong to them, and the short texts people write in
// worklogs and comments. Every story summary repeats a word of its epic's summary, as real tickets do, so a ticket
// filed without an epic can be matched back to it by text alone.

export interface EpicTheme {
  epic: string;
  description: string;
  stories: readonly string[];
}

const theme = (epic: string, description: string, stories: string[]): EpicTheme => ({ epic, description, stories });

export const CLIENT_THEMES: readonly EpicTheme[] = [
  theme('Checkout redesign', 'Rebuild the checkout flow from the new designs: payment step, address form, confirmation.', [
    'Redesign checkout payment step', 'Checkout: show saved cards first', 'Checkout address form validation errors',
    'Apple Pay button on checkout', 'Checkout coupon field accepts expired codes', 'Checkout order summary on small screens',
    'Redesign checkout confirmation email', 'Track checkout drop-off per step',
  ]),
  theme('Subscription billing', 'Plans, renewals, failed payments and cancellations for subscribers.', [
    'Subscription billing: prorate plan upgrades', 'Retry failed subscription payments', 'Billing history page for subscribers',
    'Cancel subscription flow with retention offer', 'Subscription renewal reminder emails', 'Billing webhook for failed card charges',
    'Pause a subscription for up to three months', 'Double billing on annual subscription renewal',
  ]),
  theme('Push notifications', 'Permission prompt, preferences and deep links for push notifications on iOS and Android.', [
    'Push notification permission prompt', 'Deep links from push notifications', 'Notification preferences screen',
    'Push notifications for visit reminders', 'Silent push to refresh the notification inbox', 'Android push notification channels',
    'Push notifications not delivered after app update', 'Analytics for push notification opens',
  ]),
  theme('Appointment booking', 'Patients book, move and cancel appointments from the app.', [
    'Book appointment: pick a time slot', 'Appointment booking calendar sync', 'Cancel and reschedule an appointment',
    'Appointment reminders by SMS', 'Booking confirmation screen', 'Clinic availability in appointment booking',
    'Double booking of appointment slots', 'Waitlist when appointment slots are full',
  ]),
  theme('Search and filtering', 'Faster product search with filters, autocomplete and better relevance.', [
    'Product search autocomplete', 'Search results filtering by price and size', 'Search relevance tuning for product titles',
    'Empty search results state', 'Filter chips on search results', 'Search index sync job', 'Search returns out-of-stock products',
    'Save search filters',
  ]),
  theme('Account and login', 'Sign-in options, password reset and account settings.', [
    'Login with Apple', 'Password reset email for account login', 'Account settings page', 'Two-factor login with SMS codes',
    'Account deletion request', 'Login session expires too early', 'Magic link login', 'Account profile photo upload',
  ]),
  theme('Quote flow', 'The multi-step insurance quote flow, from vehicle details to price.', [
    'Quote flow: vehicle details step', 'Quote flow progress bar', 'Save a quote and resume later', 'Quote price breakdown screen',
    'Quote flow validation for driver age', 'Email quote summary as PDF', 'Quote flow crashes on back navigation',
    'Quote flow analytics events',
  ]),
  theme('Data warehouse migration', 'Move reporting from the legacy database to the cloud warehouse.', [
    'Migrate orders tables to the warehouse', 'Warehouse migration: customers dimension', 'Backfill historical events in the warehouse',
    'Warehouse migration cutover plan', 'Row count checks after warehouse migration', 'Warehouse migration of marketing spend data',
    'Decommission the old reporting database after migration', 'Warehouse access roles for analysts',
  ]),
  theme('Reporting dashboards', 'Self-serve dashboards for revenue, retention and operations.', [
    'Revenue dashboard by channel', 'Weekly active users dashboard', 'Dashboard filters by region', 'Scheduled dashboard email reports',
    'Dashboard tiles load slowly', 'Retention cohort dashboard', 'Executive KPI dashboard', 'Dashboard drill-down to orders',
  ]),
  theme('Data pipeline reliability', 'Alerting, retries and data-quality tests for the nightly pipelines.', [
    'Alert on failed pipeline runs', 'Pipeline retries for flaky API sources', 'Data quality tests for the events pipeline',
    'Pipeline run history page', 'Late-arriving data in the nightly pipeline', 'Pipeline lineage documentation',
    'Reduce pipeline cost on large joins', 'Pipeline backfill command',
  ]),
  theme('Brand guidelines', 'The refreshed brand: logo, colour, type and voice, documented for the client team.', [
    'Brand guidelines: logo usage page', 'Brand colour palette tokens', 'Typography scale for the brand guidelines',
    'Brand guidelines PDF export', 'Brand voice and tone examples', 'Icon set aligned with the brand guidelines',
    'Brand guidelines photography section', 'Review brand guidelines with the client',
  ]),
  theme('Design system', 'Shared components and tokens in Figma and code.', [
    'Design system button components', 'Design system form inputs', 'Design system tokens in Figma', 'Document design system spacing',
    'Design system modal component', 'Dark mode for design system colours', 'Design system accessibility audit',
    'Publish the design system to Storybook',
  ]),
  theme('Marketing website refresh', 'New homepage, pricing and case studies on a headless CMS.', [
    'Marketing website homepage hero', 'Website refresh: pricing page', 'Marketing website CMS migration',
    'Website refresh: case studies section', 'Marketing website SEO metadata', 'Website contact form spam',
    'Marketing website performance budget', 'Website refresh: blog templates',
  ]),
  theme('Performance and Core Web Vitals', 'Bring Core Web Vitals into the green on the busiest pages.', [
    'Improve Largest Contentful Paint on product pages', 'Lazy-load images for performance', 'Reduce JavaScript bundle size for performance',
    'Cumulative Layout Shift on promo banners', 'Performance monitoring with Web Vitals', 'Cache API responses for performance',
    'Slow performance on category pages', 'Performance budget in CI',
  ]),
  theme('Accessibility compliance', 'WCAG 2.2 AA across the app before the client audit.', [
    'Accessibility: keyboard navigation in menus', 'Screen reader labels for accessibility', 'Colour contrast fixes for accessibility',
    'Accessibility audit of the sign-up form', 'Focus states for accessibility', 'Accessibility statement page',
    'Alt text for product images (accessibility)', 'Accessibility of form error messages',
  ]),
  theme('Loyalty programme', 'Points, tiers and rewards for repeat customers.', [
    'Loyalty points balance screen', 'Earn loyalty points on purchases', 'Loyalty tiers and rewards', 'Redeem loyalty points at checkout',
    'Loyalty programme sign-up', 'Loyalty points expiry job', 'Loyalty points missing after a refund', 'Loyalty programme emails',
  ]),
  theme('Offline mode', 'The app keeps working without a connection and syncs when it is back.', [
    'Offline mode: cache the last synced data', 'Offline mode banner', 'Queue offline changes for sync', 'Offline mode conflict resolution',
    'Offline mode for forms', 'Sync fails after a long offline period', 'Offline mode settings toggle', 'Offline mode tests on slow networks',
  ]),
  theme('Payments integration', 'Card payments, refunds and receipts through the payment provider.', [
    'Stripe payments integration', 'Payments webhook handling', 'Refunds through the payments API', 'Payments reconciliation report',
    'Payments 3-D Secure challenge', 'Payments fail for some currencies', 'Payments sandbox environment', 'Payments receipt emails',
  ]),
  theme('Content management', 'Editors build and schedule pages without a developer.', [
    'Content management: page builder blocks', 'Content scheduling in the CMS', 'Content management roles and permissions',
    'Content preview links', 'Content management image library', 'Content versions and rollback', 'Content management localisation',
    'Broken content links report',
  ]),
  theme('Analytics tracking', 'A tracking plan implemented and verified across web and app.', [
    'Analytics tracking plan', 'Analytics events for sign-up', 'Consent mode for analytics tracking', 'Server-side analytics tracking',
    'Analytics tracking QA checklist', 'Duplicate analytics events on page load', 'Analytics tracking for campaigns',
    'Analytics reports for the product team',
  ]),
  theme('Onboarding flow', 'First-run experience for new users.', [
    'Onboarding flow welcome screens', 'Onboarding checklist', 'Skip the onboarding flow for returning users', 'Onboarding flow progress saving',
    'Onboarding email sequence', 'Onboarding flow copy review', 'Onboarding tooltips', 'Onboarding flow drop-off tracking',
  ]),
  theme('API modernisation', 'Versioned, documented and rate-limited public API.', [
    'API modernisation: versioned endpoints', 'GraphQL API for the product catalogue', 'API rate limiting', 'API authentication with OAuth',
    'API documentation site', 'API pagination for orders', 'API timeouts under load', 'Deprecate legacy API endpoints',
  ]),
  theme('Inventory sync', 'Stock levels from the ERP on the storefront within minutes.', [
    'Inventory sync from the ERP', 'Inventory levels on product pages', 'Inventory sync error alerts', 'Inventory reservation during checkout',
    'Inventory sync runs twice', 'Low inventory notifications', 'Inventory sync for bundles', 'Inventory sync performance',
  ]),
  theme('Recommendations engine', 'Personalised product recommendations, trained nightly.', [
    'Recommendations model training pipeline', 'Product recommendations widget', 'Recommendations A/B test', 'Recommendations feature store',
    'Evaluate the recommendations model offline', 'Recommendations cold start for new users', 'Recommendations latency budget',
    'Recommendations explainability report',
  ]),
];

export const INTERNAL_THEMES: readonly EpicTheme[] = [
  theme('Team operations', 'Ceremonies, one-to-ones, all-hands and cover planning.', [
    'Team operations: sprint ceremonies', 'Team operations: one-to-ones', 'Team operations: all-hands', 'Team operations: PTO cover planning',
    'Team operations: quarterly planning', 'Team operations: retrospectives',
  ]),
  theme('Hiring', 'Hiring pipeline for the engineering and design roles open this quarter.', [
    'Hiring: interview loop for senior engineers', 'Hiring pipeline in the applicant tracker', 'Hiring: review take-home exercises',
    'Hiring: designer portfolio reviews', 'Hiring scorecards', 'Hiring: onboarding plan for new starters',
  ]),
  theme('Security and compliance', 'SOC 2 evidence, access reviews and security training.', [
    'Security and compliance: SOC 2 evidence', 'Security awareness training', 'Laptop security and compliance checks',
    'Security and compliance: quarterly access reviews', 'Password manager rollout for security', 'Security incident runbook',
  ]),
  theme('Internal tooling', 'Scaffolding, shared configs and scripts the teams use every day.', [
    'Internal tooling: project scaffolding CLI', 'Internal tooling for time reports', 'Internal tooling: shared lint config',
    'Internal tooling: preview environments', 'Internal tooling: release notes generator', 'Internal tooling docs',
  ]),
  theme('Knowledge sharing', 'Tech talks, the wiki and onboarding docs.', [
    'Knowledge sharing: tech talks', 'Knowledge sharing wiki cleanup', 'Knowledge sharing: onboarding docs',
    'Knowledge sharing: architecture decision records', 'Knowledge sharing: design critiques',
  ]),
];

export const STORY_DESCRIPTIONS: readonly string[] = [
  'Acceptance criteria are in the linked designs. Check with the PM before changing the copy.',
  'Split out of the epic during refinement. Keep the change small and behind the feature flag.',
  'Client request from the last status call. Estimate includes QA on staging.',
  'Follow the existing patterns in the codebase; add tests for the edge cases listed below.',
];

export const BUG_DESCRIPTIONS: readonly string[] = [
  'Steps to reproduce are in the comments. Expected: it works as designed. Actual: it does not.',
  'Reported by the client on production. Happens on Safari and iOS only.',
  'Found in QA on staging. Screenshot attached to the comment.',
];

export const WORKLOG_DESCRIPTIONS: readonly string[] = [
  'Implementation', 'Code review', 'Pairing', 'Bug fixing', 'Testing on staging', 'Refinement with the client', 'Standup and planning',
  'Investigating the issue', 'Deploy and smoke test', 'Design review', 'Writing tests', 'Documentation', 'Addressing review feedback',
  'Client call', 'Research', 'QA', 'Wireframes', 'Sprint planning', '', '',
];

export const COMMENTS: readonly string[] = [
  'Blocked on the client sending the API credentials.',
  'Can someone pick up the review? It has been waiting a while.',
  'Deployed to staging, ready for QA.',
  'QA found an issue on Safari, moving it back.',
  'Client confirmed the copy, go ahead.',
  'The estimate looks low: this touches the billing webhooks too.',
  'Paired on this today, should be in review tomorrow.',
  'Reproduced on iOS 17 only.',
  'Merged, waiting for the release train.',
  'Please add screenshots to the PR.',
];

export const COMMIT_MESSAGES: readonly string[] = ['Add tests', 'Fix lint', 'Address review comments', 'Handle the empty state', 'Refactor after review', 'Update snapshots'];

/** Client and product names for projects beyond the demo's eight. */
export const CLIENTS: readonly string[] = [
  'Lumen', 'Harbor', 'Northwind', 'Atlas', 'Meridian', 'Kestrel', 'Orbit', 'Cascade', 'Summit', 'Tidewater', 'Beacon', 'Granite',
  'Juniper', 'Maple', 'Copperline', 'Bluefin', 'Redwood', 'Silverleaf', 'Ironbridge', 'Evergreen', 'Polaris', 'Sable', 'Willow', 'Zephyr',
];
export const PRODUCTS: readonly string[] = [
  'Storefront', 'Mobile App', 'Member Portal', 'Booking Platform', 'Data Platform', 'Marketing Site', 'Customer Dashboard', 'Partner API',
  'Loyalty App', 'Intranet', 'Design System', 'Checkout',
];
