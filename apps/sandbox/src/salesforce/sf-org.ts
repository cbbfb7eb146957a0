import { Inject, Injectable } from '@nestjs/common';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SalesforceSandboxOptions, SalesforceSettings } from './sf-options';

/** The org's configuration: fixed options from start-up and the settings an admin call may change. */
@Injectable()
export class SfOrg {
  readonly options: SalesforceSandboxOptions;
  settings: SalesforceSettings;

  constructor(@Inject(SANDBOX_OPTIONS) sandbox: SandboxOptions) {
    this.options = sandbox.salesforce;
    this.settings = { ...sandbox.salesforce.settings };
  }

  resetSettings(): void {
    this.settings = { ...this.options.settings };
  }

  update(patch: Partial<SalesforceSettings>): SalesforceSettings {
    this.settings = { ...this.settings, ...patch };
    return this.settings;
  }
}
