import type { StorybookConfig } from '@storybook/react-vite';

// Storybook for every message card on every channel. Config dir = this folder (`storybook build -c .`).
const config: StorybookConfig = {
  stories: ['./src/**/*.stories.tsx'],
  addons: ['@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
};

export default config;
