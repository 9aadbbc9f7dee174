from shareback.cli import main

main()
