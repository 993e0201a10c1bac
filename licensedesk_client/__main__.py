from licensedesk_client.cli import main

raise SystemExit(main())
