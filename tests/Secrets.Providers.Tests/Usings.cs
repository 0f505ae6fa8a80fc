global using Secrets.Providers.Contracts;
